"""Small shared modules named for what they compute; no models."""
