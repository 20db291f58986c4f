from django.db import IntegrityError, transaction

from . import envelope
from .keys import current_master_key, master_keys
from .models import DataKey, SiteKey


def _context(user_id: int) -> bytes:
    return f"user:{user_id}".encode()


def _data_key(user) -> bytes:
    record = DataKey.objects.filter(user=user).first()
    if record is None:
        key_id, master = current_master_key()
        key = envelope.new_data_key()
        wrapped = envelope.seal(master, key, context=_context(user.pk))
        try:
            with transaction.atomic():
                DataKey.objects.create(user=user, master_key_id=key_id, wrapped_key=wrapped)
            return key
        except IntegrityError:
            # Two first uses at once (a double tap on a first note): the other one's key was
            # stored first, and it is the one to use.
            record = DataKey.objects.get(user=user)
    master = master_keys().get(record.master_key_id)
    if master is None:
        raise envelope.DecryptionError(f"Master key {record.master_key_id!r} is not configured.")
    return envelope.open_sealed(master, bytes(record.wrapped_key), context=_context(user.pk))


def encrypt_text(user, text: str) -> bytes:
    """Encrypt `text` under `user`'s data key (created on first use)."""
    return envelope.seal(_data_key(user), text.encode(), context=_context(user.pk))


def decrypt_text(user, blob: bytes | memoryview | None) -> str:
    if not blob:
        return ""
    return envelope.open_sealed(_data_key(user), bytes(blob), context=_context(user.pk)).decode()


def destroy_data_key(user) -> None:
    """Crypto-shred: without the data key nothing encrypted for `user` can ever be read."""
    DataKey.objects.filter(user=user).delete()


def _site_context(purpose: str) -> bytes:
    return f"site:{purpose}".encode()


def site_key(purpose: str, *, model=SiteKey) -> bytes:
    """The site's key for `purpose` (created on first use), unwrapped.

    `model` lets a data migration pass its historical SiteKey.
    """
    record = model.objects.filter(purpose=purpose).first()
    if record is None:
        key_id, master = current_master_key()
        key = envelope.new_data_key()
        wrapped = envelope.seal(master, key, context=_site_context(purpose))
        try:
            with transaction.atomic():
                model.objects.create(purpose=purpose, master_key_id=key_id, wrapped_key=wrapped)
            return key
        except IntegrityError:
            record = model.objects.get(purpose=purpose)  # another process made it first
    master = master_keys().get(record.master_key_id)
    if master is None:
        raise envelope.DecryptionError(f"Master key {record.master_key_id!r} is not configured.")
    return envelope.open_sealed(
        master, bytes(record.wrapped_key), context=_site_context(record.purpose)
    )


def _rewrap(records, context_of) -> int:
    key_id, current = current_master_key()
    changed = 0
    for record in records.exclude(master_key_id=key_id).select_for_update():
        old_master = master_keys().get(record.master_key_id)
        if old_master is None:
            raise envelope.DecryptionError(
                f"Master key {record.master_key_id!r} is needed to rewrap; keep it in "
                "WR_MASTER_KEYS until rotation has finished."
            )
        context = context_of(record)
        key = envelope.open_sealed(old_master, bytes(record.wrapped_key), context=context)
        record.wrapped_key = envelope.seal(current, key, context=context)
        record.master_key_id = key_id
        record.save(update_fields=["wrapped_key", "master_key_id"])
        changed += 1
    return changed


@transaction.atomic
def rewrap_data_keys() -> int:
    """Re-wrap every data key under the current master key; returns how many changed."""
    return _rewrap(DataKey.objects.all(), lambda record: _context(record.user_id))


@transaction.atomic
def rewrap_site_keys() -> int:
    """Re-wrap every site key under the current master key; returns how many changed."""
    return _rewrap(SiteKey.objects.all(), lambda record: _site_context(record.purpose))
