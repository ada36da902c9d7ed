"""Labelled examples for each post-check detector (policy-map B3, E2): (text, should_fire).

True positives and true negatives, plus hard cases the detectors are known to get wrong, labelled
honestly: they lower the precision/recall that ``make bench`` prints and the tests bound.
"""

from __future__ import annotations

UNDERCOVER = ["Alex Rivera", "Detective Rivera"]

CORPUS: dict[str, list[tuple[str, bool]]] = {
    "guilt_innocence": [
        ("The suspect is guilty of the burglaries on Elm Street.", True),
        ("Officers arrested the man who is clearly guilty.", True),
        ("He has confessed to the robbery and will face charges.", True),
        ("We caught the guy who broke into the school!", True),
        ("Police identified murderer John Smith after a tip.", True),
        ("The arrestee definitely did it, witnesses say.", True),
        (
            "The victim was innocent and did nothing to provoke the attack.",
            True,
        ),  # about a victim: flagged anyway
        ("Everyone arrested is presumed innocent until proven guilty in a court of law.", False),
        ("A man was charged with burglary. Charges are allegations only.", False),
        ("Help us identify the person in these photos from the Main St robbery.", False),
        ("Join us for coffee with a cop this Saturday.", False),
        ("The shooter fled north on foot; call 911 if you see him.", False),
        (
            "Everyone knows he's the one who did this, no doubt about it.",
            True,
        ),  # known miss: no listed phrasing
    ],
    "pending_prosecution": [
        ("The defendant will be convicted when this goes to trial.", True),
        ("He deserves life for what he did.", True),
        ("Prosecutors will seek the maximum at sentencing.", True),
        ("The jury should see through his lies.", True),
        ("Lock him up and throw away the key!", True),
        ("The case is heading to trial next month.", True),
        ("A man was charged with retail theft and released on bond.", False),
        ("Road closure on Route 9 this weekend for repairs.", False),
        ("Thank you to everyone who came to the open house.", False),
        ("Watch our court-watch volunteer program video.", False),
    ],
    "confidential": [
        ("Per the internal use only memo, patrol will focus on Oak Park.", True),
        ("Our confidential informant tells us the gang meets Fridays.", True),
        ("CI #42 confirmed the location.", True),
        ("Check out these training materials from last week's scenario.", True),
        ("Here is the tactical plan for Saturday's parade.", True),
        ("Law enforcement sensitive: do not share.", True),
        ("Report tips anonymously through our online form.", False),
        ("Recruits finished their academy graduation today!", False),
        ("Crime prevention tip: lock your car doors.", False),
        ("Confidentially speaking, this is our best team ever.", False),
    ],
    "private_data": [
        ("The victim's SSN 123-45-6789 was stolen.", True),
        ("Suspect DOB 04/12/1990, last seen near the park.", True),
        ("The suspect resides at 1200 W Oak St.", True),
        ("Call her cell at 309-555-0142 with information.", True),
        ("A 15-year-old, Jamie Lee, was arrested for the break-in.", True),
        ("The juvenile Tom Baker was taken into custody.", True),
        ("Call our non-emergency line at 309-555-0100.", False),
        ("Missing 14-year-old Maria Gomez was last seen Tuesday. Please call 911.", False),
        ("The 100 block of Main St is closed for a water main break.", False),
        ("Happy birthday to our department, 150 years of service!", False),
        ("Born on the Fourth of July parade route closures.", False),  # known false positive: it fires
    ],
    "undercover_member": [
        ("Congratulations to Alex Rivera on ten years of service!", True),
        ("Detective Rivera received the valor award.", True),
        ("Thanks to ALEX RIVERA for the community talk.", True),
        ("Congratulations to Officer Jordan Blake on ten years!", False),
        ("Rivera Park is closed for the festival.", False),
        ("Riverside Drive is closed for repairs.", False),
    ],
    "protected_class": [
        ("Immigrants are criminals and should leave.", True),
        ("Those people are animals.", True),
        ("Muslims can't be trusted around here.", True),
        ("Refugees are ruining our neighborhood.", True),
        ("Our department welcomes immigrants at the citizenship fair.", False),
        ("We stand with our Jewish community after the vandalism.", False),
        ("Women in policing panel this Thursday.", False),
        ("Criminals are not welcome in our city.", False),
        ("Some folks from that part of town are all thugs.", True),  # known miss: no group term
    ],
    "weapons_violence": [
        ("Locked and loaded with our new rifles. Come get some!", True),
        ("Our AR-15s are ready, light 'em up 🔫", True),
        ("New pistols arrived. Make my day.", True),
        ("Guns out, hunting season on the bad guys.", True),
        ("Gun buyback this Saturday at the fire station.", False),
        ("Officers seized three firearms and ammo during the search.", False),
        ("Safe storage tip: keep guns locked and unloaded.", False),
        ("Lock and load your donations for the food drive!", False),
    ],
}

MEDIA_CORPUS: list[tuple[list[dict[str, str]], bool]] = [
    ([{"name": "crash.jpg", "licence": "", "source": "resident"}], True),
    ([{"name": "crash.jpg", "licence": "permission", "source": ""}], True),
    ([{"name": "ok.jpg", "licence": "department", "source": "PIO office"}], False),
    (
        [
            {"name": "a.png", "licence": "licensed", "source": "Getty"},
            {"name": "b.png", "licence": "", "source": "x"},
        ],
        True,
    ),
    ([], False),
]
