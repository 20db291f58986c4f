"""A realistic help directory for the demo school (Northbrook)."""

from django.db import transaction

from schools.models import School

from .models import Category, GradingInvolvement, HelpResource

NEVER = GradingInvolvement.NEVER
DEMO_DIRECTORY = [
    {
        "category": Category.COUNSELLING,
        "name": "Student Counselling Service",
        "description": "Short-term counselling for stress, low mood, anxiety, relationships, "
        "grief and burnout, in person or by video.",
        "hours": "Mon–Fri 8am–6pm; Thu until 8pm",
        "how_to_book": "Book online or call; same-week appointments, no referral needed.",
        "cost": "Free, 6 sessions a year",
        "phone": "(312) 555-0142",
        "url": "https://northbrook.example/counselling",
        "email": "counselling@northbrook.example",
        "location": "Student Wellness Center, 2nd floor (separate entrance on Elm St)",
        "confidentiality_note": "Nothing you say is shared with the school, your clerkship or "
        "your record unless you or someone else is at immediate risk.",
        "involved_in_grading": NEVER,
        "position": 1,
    },
    {
        "category": Category.THERAPY,
        "name": "Lakeshore Therapy Referral Network",
        "description": "Independent therapists and psychiatrists outside the university, "
        "for longer-term therapy or medication.",
        "hours": "Referral line Mon–Fri 9am–5pm",
        "how_to_book": "Call the referral line; you are matched within a week.",
        "cost": "Covered by the student health plan after a $20 copay",
        "phone": "(312) 555-0188",
        "url": "https://lakeshore-referrals.example",
        "confidentiality_note": "Outside providers: the school is not told you are seen.",
        "involved_in_grading": NEVER,
        "position": 2,
    },
    {
        "category": Category.STUDENT_HEALTH,
        "name": "Student Health Clinic",
        "description": "Primary care, sleep and mental health appointments, prescriptions "
        "and vaccinations.",
        "hours": "Mon–Fri 7:30am–5pm",
        "how_to_book": "Book in the patient portal or call; walk-ins before 10am.",
        "cost": "Free with the student health plan",
        "phone": "(312) 555-0120",
        "location": "Student Wellness Center, ground floor",
        "confidentiality_note": "Your record is kept apart from the hospital record and is "
        "never shared with faculty.",
        "involved_in_grading": NEVER,
        "position": 3,
    },
    {
        "category": Category.ACADEMIC_SUPPORT,
        "name": "Academic Support & Learning Specialists",
        "description": "Study planning, board-exam preparation, test anxiety and "
        "learning-difference accommodations.",
        "hours": "Mon–Fri 9am–5pm",
        "how_to_book": "Email to book a 30-minute meeting.",
        "cost": "Free",
        "email": "learning@northbrook.example",
        "location": "Medical Education Building, room 214",
        "confidentiality_note": "Meetings are not reported to course or clerkship directors.",
        "involved_in_grading": GradingInvolvement.SEPARATED,
        "position": 4,
    },
    {
        "category": Category.PEER_SUPPORT,
        "name": "Northbrook Peer Support",
        "description": "Trained medical students to talk to, one to one or in small "
        "circles, about anything from a hard rotation to feeling alone.",
        "hours": "Evenings by arrangement; drop-in circle Wed 6pm",
        "how_to_book": "Message through the web page; a peer replies within 48 hours.",
        "cost": "Free",
        "url": "https://northbrook.example/peer-support",
        "confidentiality_note": "Peers keep what you say to themselves and pass on nothing "
        "unless someone is at immediate risk.",
        "involved_in_grading": NEVER,
        "position": 5,
    },
    {
        "category": Category.CHAPLAINCY,
        "name": "Chaplaincy & Spiritual Care",
        "description": "Chaplains of several faiths and none, for meaning, loss and moral "
        "distress after hard days on the wards.",
        "hours": "Daily 8am–8pm; on call overnight through the hospital operator",
        "how_to_book": "Drop in or call.",
        "cost": "Free",
        "phone": "(312) 555-0175",
        "location": "Northbrook University Hospital, Interfaith Chapel, level 1",
        "confidentiality_note": "Conversations with a chaplain are confidential.",
        "involved_in_grading": NEVER,
        "position": 6,
    },
    {
        "category": Category.URGENT,
        "name": "After-hours Counselling Line",
        "description": "A licensed counsellor answers when the Counselling Service is closed.",
        "hours": "24/7, including weekends and holidays",
        "how_to_book": "Call; no appointment.",
        "cost": "Free",
        "phone": "(312) 555-0199",
        "confidentiality_note": "Confidential; the school is not told you called.",
        "involved_in_grading": NEVER,
        "is_urgent_contact": True,
        "position": 0,
    },
]


@transaction.atomic
def seed_help_directory(school: School) -> None:
    """Replace `school`'s help directory with the demo one (safe to run again)."""
    HelpResource.objects.filter(school=school).delete()
    HelpResource.objects.bulk_create(
        [HelpResource(school=school, **fields) for fields in DEMO_DIRECTORY]
    )
