"""Fictional Dutch sentences in the style of progress updates, with the personal data each
holds (as finding kinds). Every name, number and address here is made up; BSNs and IBANs
pass their checksums so that the guard cannot rely on them being invalid."""

NAME, AGE = "naam", "leeftijd"
BSN, PHONE, EMAIL, IBAN = "bsn", "telefoon", "email", "iban"
ADDRESS, POSTCODE, BIRTH = "adres", "postcode", "geboortedatum"

CORPUS: list[tuple[str, set[str]]] = [
    # Texts that must be refused or questioned.
    (
        "Gesprek met slachtoffer Fatima de Vries (BSN 123456782, tel. 06-12345678), wonend "
        "Dorpsstraat 12, 3111 AB Schiedam.",
        {NAME, BSN, PHONE, ADDRESS},
    ),
    ("Melding doorgezet; BSN van betrokkene: 111222333.", {BSN}),
    ("Zie dossier 1234.56.782 voor de afspraken.", {BSN}),
    ("Bel de cliënt terug op 06 98765432 na 17.00 uur.", {PHONE}),
    ("Contact via +31 10 123 4567 of via de wijkagent.", {PHONE}),
    ("Casus besproken, zij is bereikbaar op 010-7654321.", {PHONE}),
    ("Vragen kunnen naar j.devries@voorbeeld.test worden gestuurd.", {EMAIL}),
    ("Betrokkene mailde vanaf slachtoffer.hulp@mail.test over de opvang.", {EMAIL}),
    ("Terugbetaling van de boete naar NL91ABNA0417164300 geregeld.", {IBAN}),
    ("Rekening NL91 ABNA 0417 1643 00 staat op naam van de uitbater.", {IBAN}),
    ("Inval op Kerkstraat 45 in Vlaardingen, drie personen aangetroffen.", {ADDRESS}),
    ("Woning aan de Havenweg 3a wordt gecontroleerd.", {ADDRESS}),
    ("Het pand met postcode 3011 AB is gesloten.", {POSTCODE}),
    ("Adres: Molenlaan 118, 2912 CD Nieuwerkerk.", {ADDRESS}),
    ("Minderjarige, geboren op 14-02-2009, is naar de opvang gebracht.", {BIRTH}),
    ("Geboortedatum: 3 april 2001; nationaliteit onbekend.", {BIRTH}),
    ("Slachtoffer (geb. 01-07-1998) heeft aangifte gedaan.", {BIRTH}),
    ("Een meisje van 16 jaar is aangemeld bij de zorgcoördinator.", {AGE}),
    ("Pieter Bakker van de politie heeft de casus overgedragen.", {NAME}),
    ("Navraag gedaan bij mevrouw Jansen over de situatie thuis.", {NAME}),
    ("Gesprek gevoerd met Mohammed El Amrani en zijn werkgever.", {NAME}),
    ("Anna Kowalski woont sinds maart in de regio.", {NAME}),
    ("De heer Van den Berg werkte 70 uur per week in de kas.", {NAME}),
    ("Ingrid Smit (47 jaar) is doorverwezen naar CoMensha.", {NAME, AGE}),
    (
        "Melding over Sanne Visser, tel. 0612345678, e-mail sanne@voorbeeld.test.",
        {NAME, PHONE, EMAIL},
    ),
    ("Man van 34 jaar aangetroffen in een bedrijfspand.", {AGE}),
    ("Huisbezoek gedaan bij Lindelaan 7, 3207 AB Spijkenisse.", {ADDRESS}),
    # Texts in the plan's own language: nothing to find.
    ("In Q1 2027 volgt de evaluatie van de regionale aanpak.", set()),
    ("Actie 3.14 loopt; de VR-Experience is aan twee scholen getoond.", set()),
    ("De Regionale Tafel Mensenhandel kwam op 12 maart 2025 bijeen.", set()),
    ("Overleg met gemeente Rotterdam, RIEC en ESSM over de Week tegen Mensenhandel.", set()),
    ("De aandachtsfunctionaris van Capelle aan den IJssel organiseerde een training.", set()),
    ("Krimpen aan den IJssel en Nissewaard sloten aan bij het Platform Mensenhandel.", set()),
    ("De portefeuillehouder rapporteert in het RVO over 2024 - 2025.", set()),
    ("47 acties, 23 gemeenten en 1.234 meldingen bij het Meld- en adviespunt in 2022.", set()),
    ("Training voor 120 medewerkers van de Belastingdienst en de NLA afgerond.", set()),
    ("Het convenant met Fier en Humanitas is in juni 2025 getekend.", set()),
    ("Campagne via Meld Misdaad Anoniem liep van week 40 tot en met week 44.", set()),
    ("De RCTM heeft 35 controles uitgevoerd in de sekswerkbranche.", set()),
    ("Zie https://www.example.test/actieplan voor de planning.", set()),
    ("Samenwerking met de ZVH Rotterdam Rijnmond en ZHZ is besproken.", set()),
    ("Versie 2 van het draaiboek is vastgesteld op 1 december.", set()),
]
