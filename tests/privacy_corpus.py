"""Fictional Dutch texts in the style of progress updates, meeting notes and municipal rows,
each with what the privacy guard must do with it. Every name, number and address here is
made up; BSNs and IBANs pass their checksums, so the guard cannot rely on them being invalid.

- HARD: victim or case data. Refused, no way around it.
- ASK: a name that is probably a colleague, a speaker or a contact person. Saved only after
  the writer confirms who it is.
- CLEAN: the plan's own project language, with the numbers, dates, codes, places and
  organisations it uses. Must pass without a question.

The figures (precision and recall per class) are in BENCHMARKS.md; ``test_privacy`` holds the
goals: every HARD text refused, at most 2 in 100 CLEAN texts questioned.
"""

HARD, ASK, CLEAN = "hard", "vraag", "gewoon"

CORPUS: list[tuple[str, str]] = [
    # --- HARD: identifiers, in every written form --------------------------------------------
    (HARD, "Gesprek met slachtoffer Fatima de Vries (BSN 123456782, tel. 06-12345678)."),
    (HARD, "Melding doorgezet; BSN van betrokkene: 111222333."),
    (HARD, "BSN 111 222 333 is doorgegeven aan de zorgcoördinator."),
    (HARD, "bsn: 111-222-333, verder geen gegevens bekend."),
    (HARD, "Zie dossier 1234.56.782 voor de afspraken."),
    (HARD, "Het burgerservicenummer 725763863 staat in het verslag."),
    (HARD, "Dossiernummer 162.275.869 is aangemaakt bij de gemeente."),
    (HARD, "Bel de cliënt terug op 06 98765432 na 17.00 uur."),
    (HARD, "Contact via +31 10 123 4567 of via de wijkagent."),
    (HARD, "Casus besproken, zij is bereikbaar op 010-7654321."),
    (HARD, "Haar nummer is 0612345678, alleen na overleg bellen."),
    (HARD, "Telefoon +31 6 4455 6677 (werkgever), nog niet gebeld."),
    (HARD, "Bereikbaar op 078 - 613 44 55 tijdens kantooruren."),
    (HARD, "Vragen kunnen naar j.devries@voorbeeld.test worden gestuurd."),
    (HARD, "Betrokkene mailde vanaf slachtoffer.hulp@mail.test over de opvang."),
    (HARD, "Haar adres is jan.jansen[at]gmail[dot]com volgens de melder."),
    (HARD, "Mail naar jan.jansen @ gmail.com voor de afspraak."),
    (HARD, "Contact: p.bakker(at)provider(dot)nl."),
    (HARD, "Terugbetaling van de boete naar NL91ABNA0417164300 geregeld."),
    (HARD, "Rekening NL91 ABNA 0417 1643 00 staat op naam van de uitbater."),
    (HARD, "iban nl62ingb0633021001 gebruikt voor de loonbetaling."),
    (HARD, "Loon werd gestort op NL59-RABO-0830-5739-09."),
    (HARD, "Rekeningnummer NL05.ABNA.0670.9302.64 is bij de bank gemeld."),
    (HARD, "Inval op Kerkstraat 45 in Vlaardingen, drie personen aangetroffen."),
    (HARD, "Woning aan de Havenweg 3a wordt gecontroleerd."),
    # A street named after a town, with a number that could be a year, is still an address.
    (HARD, "Het slachtoffer woonde aan de Schiedamseweg 2021, boven de winkel."),
    (HARD, "Het pand met postcode 3011 AB is gesloten."),
    (HARD, "Adres: Molenlaan 118, 2912 CD Nieuwerkerk."),
    (HARD, "Zij woont hoogstraat 12 boven de winkel."),
    (HARD, "Hij woont aan de Lijnbaan 5 bij een neef."),
    (HARD, "Huisbezoek gedaan bij Lindelaan 7, 3207 AB Spijkenisse."),
    (HARD, "Minderjarige, geboren op 14-02-2009, is naar de opvang gebracht."),
    (HARD, "Geboortedatum: 3 april 2001; nationaliteit onbekend."),
    (HARD, "Slachtoffer (geb. 01-07-1998) heeft aangifte gedaan."),
    (HARD, "Jongen, geb. 12-3-'98, verblijft bij familie."),
    (HARD, "geboortedatum 1998-03-12 volgens het paspoort."),
    (HARD, "Zij is geboren 12 mrt 1998 in het buitenland."),
    # --- HARD: a name the context makes the case ----------------------------------------------
    (HARD, "Slachtoffer Fatima Yilmaz is doorverwezen naar de opvang."),
    (HARD, "Fatima Yilmaz, slachtoffer van arbeidsuitbuiting, werkt niet meer bij het bedrijf."),
    (HARD, "De cliënt Piotr Nowak is doorgeplaatst naar een andere woning."),
    (HARD, "Aangifte door Maria Santos bij de politie in Rotterdam."),
    (HARD, "Verdachte Kevin de Groot is opnieuw in beeld bij de politie."),
    (HARD, "Dader Ricardo Mendes werd eerder veroordeeld voor mensenhandel."),
    (HARD, "Minderjarige Lisa Verbeek is opgevangen door Fier."),
    (HARD, "Ivana Petrova werd uitgebuit in een nagelstudio."),
    (HARD, "Melder Sandra Kok wil anoniem blijven."),
    (HARD, "Loverboy Dylan Hoekstra benaderde meisjes via sociale media."),
    (HARD, "Olena Kovalenko heeft een B8-verblijfsstatus aangevraagd."),
    (HARD, "Ingrid Smit (47 jaar) is doorverwezen naar CoMensha."),
    (HARD, "Anna Kowalski, 29 jaar oud, werkt sinds maart in de kassen."),
    # --- HARD: no name, yet one person in a small place ---------------------------------------
    (HARD, "Meisje van 15 uit Maassluis, B8-status, via loverboy uitgebuit."),
    (HARD, "Een 16-jarige jongen uit Brielle is betrokken bij criminele uitbuiting."),
    (HARD, "Vrouw van 23 uit Goedereede werkte zonder papieren in de horeca."),
    (HARD, "Een minderjarige van 14 in Hellevoetsluis is in beeld bij de zorgcoördinator."),
    (HARD, "Jongen van 17 met verblijfsstatus B8, geplaatst in de opvang."),
    (HARD, "Man van 34 jaar, asielzoeker, tewerkgesteld in een autowasstraat."),
    (HARD, "Tiener van 15 uit Rozenburg ronselde klasgenoten voor drugskoeriers."),
    (HARD, "Een 19-jarige vrouw in Ridderkerk werd gedwongen tot prostitutie."),
    (HARD, "Kind van 12 in Oud-Beijerland, signalen van seksuele uitbuiting."),
    (HARD, "Geboren in 2007, woont in Sliedrecht, slachtoffer van een loverboy."),
    (HARD, "Slachtoffer, 31-jarige man uit Pernis, werkte 70 uur per week."),
    # --- ASK: probably a colleague, a speaker or a contact person -----------------------------
    (ASK, "Pieter Bakker van de politie heeft de casus overgedragen."),
    (ASK, "Navraag gedaan bij mevrouw Jansen over de planning van de training."),
    (ASK, "Gesprek gevoerd met Mohammed El Amrani van de werkgeversvereniging."),
    (ASK, "De heer Van den Berg presenteerde de cijfers van de arbeidsinspectie."),
    (ASK, "Spreker Anna Bakker van CoMensha vertelde over slachtofferzorg."),
    (ASK, "Training door Pieter de Wit over het herkennen van slachtoffers."),
    (ASK, "Afgestemd met Karin Vos (beleidsadviseur) over de meldroutekaart."),
    (ASK, "Johan Meijer neemt het voorzitterschap van de werkgroep over."),
    (ASK, "Sophie Mulder heeft de presentatie voor het RVO voorbereid."),
    (ASK, "Contactpersoon bij de hogeschool is dr. Eva Hendriks."),
    (ASK, "Wethouder Bram Schouten opende de bijeenkomst in Schiedam."),
    (ASK, "Lotte van Dijk volgt Erik Visser op als aandachtsfunctionaris."),
    (ASK, "Inbreng van Fleur Bos verwerkt in het concept-handelingskader."),
    (ASK, "Interview met onderzoeker Tim Claassen over ronselpraktijken online."),
    (ASK, "Marieke Dekker van Humanitas sluit aan bij de volgende Tafel."),
    (ASK, "Gastles op het Zadkine gegeven door Youssef Amrani."),
    (ASK, "Overleg met Nina Brouwer (RIEC) over het barrièremodel."),
    (ASK, "Henk Postma heeft de VR-brillen opgehaald voor de Week tegen Mensenhandel."),
    (ASK, "Evaluatie besproken met Sanne Jacobs en Ruud Willems."),
    (ASK, "Workshop verzorgd door trainer Ilse Koster voor wijkteams."),
    (ASK, "Mail van Daan Smits over de planning van de actiedag doorgestuurd."),
    (ASK, "Bas Hermans (projectleider) zet de omgevingsscan uit bij de gemeenten."),
    (ASK, "Presentatie door Femke de Bruijn tijdens het Platform Mensenhandel."),
    (ASK, "Ahmed Benali van het jongerenwerk denkt mee over de campagne."),
    (ASK, "Met Joost Kuipers afgesproken de kennisbank in mei bij te werken."),
    (ASK, "Anouk Verhoeven heeft de introductiedag voor nieuwe collega's georganiseerd."),
    (ASK, "Inge Smeets (OM) licht de integrale daderaanpak toe in het overleg."),
    (ASK, "Rapport van Wouter Peters over fieldlabs gedeeld via de kennisbank."),
    (ASK, "Sprekers waren Carla Maas en Peter Verbruggen van de inspectie."),
    (ASK, "Overdracht aan Mirjam Timmer geregeld tijdens het verlof van de secretaris."),
    # --- CLEAN: the plan's own language and the updates it asks for ---------------------------
    (CLEAN, "Kick-off gehouden met partners; werkgroep gestart."),
    (CLEAN, "In Q1 2027 volgt de evaluatie van de regionale aanpak."),
    (CLEAN, "Actie 3.14 loopt; de VR-Experience is aan twee scholen getoond."),
    (CLEAN, "De Regionale Tafel Mensenhandel kwam op 12 maart 2025 bijeen."),
    (CLEAN, "Overleg met gemeente Rotterdam, RIEC en ESSM over de Week tegen Mensenhandel."),
    (CLEAN, "De aandachtsfunctionaris van Capelle aan den IJssel organiseerde een training."),
    (CLEAN, "Krimpen aan den IJssel en Nissewaard sloten aan bij het Platform Mensenhandel."),
    (CLEAN, "De portefeuillehouder rapporteert in het RVO over 2024 - 2025."),
    (CLEAN, "47 acties, 23 gemeenten en 1.234 meldingen bij het Meld- en adviespunt in 2022."),
    (CLEAN, "Training voor 120 medewerkers van de Belastingdienst en de NLA afgerond."),
    (CLEAN, "Het convenant met Fier en Humanitas is in juni 2025 getekend."),
    (CLEAN, "Campagne via Meld Misdaad Anoniem liep van week 40 tot en met week 44."),
    (CLEAN, "De RCTM heeft 35 controles uitgevoerd in de sekswerkbranche."),
    (CLEAN, "Zie https://www.example.test/actieplan voor de planning."),
    (CLEAN, "Samenwerking met de ZVH Rotterdam Rijnmond en ZHZ is besproken."),
    (CLEAN, "Versie 2 van het draaiboek is vastgesteld op 1 december."),
    (CLEAN, "De regionale mensenhandelmonitor 2024 is gepubliceerd en gedeeld."),
    # A town and a year (a plan's or a monitor's name): deduce reads a street and number.
    (CLEAN, "De Mensenhandelmonitor Rotterdam 2022 is gedeeld met de partners."),
    (CLEAN, "Het lokaal actieplan Schiedam 2025-2028 is vastgesteld."),
    (CLEAN, "Concept: Regionaal Actieplan Mensenhandel Regio Rotterdam 2027-2030."),
    (CLEAN, "Het jaarverslag ZVH Rotterdam Rijnmond 2025 is verschenen."),
    (CLEAN, "Twee nieuwe rapporten over arbeidsuitbuiting toegevoegd aan de kennisbank."),
    (CLEAN, "Signalen van ketenpartners worden vaker doorgegeven aan het meld- en adviespunt."),
    (CLEAN, "De omgevingsscan naar kwetsbare locaties is in 8 gemeenten uitgevoerd."),
    (CLEAN, "Werkgroep gestart om zicht te krijgen op de handelwijze van mensenhandelaren."),
    (CLEAN, "Tafel van 14 mei: knelpunten gegevensdeling geagendeerd."),
    (CLEAN, "Platform Mensenhandel bijeen op 3 oktober, 22 deelnemers."),
    (CLEAN, "Netwerkbijeenkomst aandachtfunctionarissen: 4x gehouden in 2025."),
    (CLEAN, "Met alle 23 gemeenten is het lokale actieplan besproken; 19 hebben het bijgesteld."),
    (CLEAN, "De portefeuillehouder besprak de voortgang in het RVO van november."),
    (CLEAN, "Samenwerking met regio Den Haag en Amsterdam-Amstelland verstevigd."),
    (CLEAN, "CoMensha en het OM zijn gevraagd aan te sluiten bij de werkgroep."),
    (CLEAN, "Deelname aan het landelijk overleg van de Nationaal Rapporteur in juni."),
    (CLEAN, "Nieuwe werkgroep criminele uitbuiting opgezet na signalen uit Dordrecht."),
    (CLEAN, "De digitale community telt nu 86 leden uit 21 gemeenten."),
    (CLEAN, "Handvatten voor gegevensdeling uitgewerkt met de privacy officers."),
    (CLEAN, "Verkennend gesprek met de Hogeschool Rotterdam en de Erasmus Universiteit."),
    (CLEAN, "Leerhuis over seksuele uitbuiting gehouden, 45 deelnemers."),
    (CLEAN, "De regionale meldroutekaart is geactualiseerd (versie maart 2025)."),
    (CLEAN, "Schiedam en Vlaardingen hebben een interne meldroute vastgesteld."),
    (CLEAN, "Introductiedag voor nieuwe aandachtsfunctionarissen op 10 april, 12 deelnemers."),
    (CLEAN, "Trainingsaanbod Signaleren: 6 sessies voor wijkteams en leerplicht."),
    (CLEAN, "Campagne Kijk op Mensenhandel ingezet bij huisartsen en apotheken."),
    (CLEAN, "Steek jij je hand uit op 9 middelbare scholen en 3 jongerenpunten gebracht."),
    (CLEAN, "Bewustwordingscampagne voor bewoners in Rotterdam-Zuid voorbereid."),
    (CLEAN, "Private partijen (hotels, uitzendbureaus) geïnformeerd over signaleren."),
    (CLEAN, "Voorlichting aan de risicobranches: nagelstudio's, kassen en distributiecentra."),
    (CLEAN, "Voorlichting over online ronselpraktijken aan 300 leerlingen van 14 tot 16 jaar."),
    (CLEAN, "Handelingskader voor exploitanten van vergunde seksinrichtingen gecommuniceerd."),
    (CLEAN, "VR-brillen ingezet tijdens de Week tegen Mensenhandel in Gorinchem."),
    (CLEAN, "Offerte voor de VR-Experience arbeidsuitbuiting aangevraagd: € 24.500."),
    (CLEAN, "Voorstel handhavingsknelpunt illegale prostitutie besproken met de RCTM."),
    (CLEAN, "Integrale daderaanpak uitgewerkt samen met de ketenpartners van het RIEC."),
    (CLEAN, "Barrièremodellen uit eerdere jaren verzameld; aanbevelingen overgenomen."),
    (CLEAN, "Format bestuurlijke maatregelen gedeeld via de kennisbank van de VAR."),
    (CLEAN, "Aanwijzingsbesluit geactualiseerd; cijfers van het RCTM inzichtelijk gemaakt."),
    (CLEAN, "Onderzoek naar ondermaatse huisvesting door uitzenders loopt tot eind 2025."),
    (CLEAN, "Bovenregionale actiedag op 18 september met regio Den Haag gehouden."),
    (CLEAN, "Aanbevelingen uit de fieldlabs sekswerk overgenomen in het plan."),
    (CLEAN, "Zorgcoördinatie blijft ingezet; 38 aanmeldingen in het eerste halfjaar."),
    (CLEAN, "Bekendheid van het meld- en adviespunt vergroot via de gemeentelijke websites."),
    (CLEAN, "Zorg voor daders met multi-problematiek besproken in het Zorg- en Veiligheidshuis."),
    (CLEAN, "Ervaringsdeskundigen als klankbord betrokken bij de campagne voor scholen."),
    (CLEAN, "Deskundigheid bij ZSM+ geborgd; 2 nieuwe medewerkers getraind."),
    (CLEAN, "Financiering van de opvang besproken met de centrumgemeente Rotterdam."),
    (CLEAN, "Scope bepaald voor aandacht voor slachtoffers met een LVB."),
    (CLEAN, "Bel bij signalen Meld Misdaad Anoniem op 0800-7000 of de politie op 0900-8844."),
    (CLEAN, "Fier is 24/7 bereikbaar via 088-2080000 voor professionals."),
    (CLEAN, "De begroting voor 2025 bedraagt € 185.000, waarvan 40% voor campagnes."),
    (CLEAN, "Stand per 1-10-2025: 31 van de 47 acties lopend, 9 afgerond."),
    (CLEAN, "Zie de bijlage bij agendapunt 4.2 voor het concept-jaarplan."),
    (CLEAN, "Workshop, pilot en follow-up gepland met de e-learning van CCV."),
    (CLEAN, "Webinar over arbeidsuitbuiting opgenomen; terug te kijken via de community."),
    (CLEAN, "Factsheet en flyer gemaakt; de toolkit staat op de website."),
    (CLEAN, "Update: de quickscan is door 14 gemeenten ingevuld."),
    (CLEAN, "Intake van de werkgroep gepland; brainstorm over de roadmap volgt."),
    (CLEAN, "De Week tegen Mensenhandel trok 1.800 bezoekers in 2024."),
    (CLEAN, "Planning: Q3 2025 oplevering, Q4 2025 evaluatie."),
    (CLEAN, "Het RVO heeft op 7 juli ingestemd met de bijstelling van actie 2.11."),
    (CLEAN, "Wethouders van Albrandswaard en Barendrecht bezochten de bijeenkomst."),
    (CLEAN, "De gemeente Goeree-Overflakkee heeft een uitvoeringsplan vastgesteld."),
    (CLEAN, "Lokale aanpak in Hoeksche Waard gestart met 3 wijkteams."),
    (CLEAN, "Aandachtsfunctionaris Lansingerland benoemd per 1 maart 2025."),
    (CLEAN, "Voorne aan Zee en Nissewaard delen een plaatsvervanger."),
    (CLEAN, "Hendrik-Ido-Ambacht en Zwijndrecht organiseren samen een leerhuis."),
    (CLEAN, "In Papendrecht is de interne meldroute getest met een casusoefening."),
    (CLEAN, "Molenlanden en Gorinchem sloten aan bij de digitale community."),
    (CLEAN, "De NLA voerde 12 inspecties uit bij uitzendbureaus in de regio."),
    (CLEAN, "Politie, KMar en Belastingdienst werkten samen tijdens de actiedag."),
    (CLEAN, "De jaarlijkse bespreking in het RVO staat gepland voor november 2026."),
    (CLEAN, "Aantal meldingen bij het meld- en adviespunt steeg van 143 naar 171."),
    (CLEAN, "Gemeente Ridderkerk heeft de campagne Kijk op Mensenhandel in juni gedraaid."),
    (CLEAN, "Het Platform Mensenhandel adviseert de Tafel over de prioriteiten voor 2026."),
    (CLEAN, "Vergadering verplaatst naar dinsdag 4 november, 14.00 uur, stadhuis."),
    (CLEAN, "Actiepunt: secretariaat stuurt het verslag binnen twee weken rond."),
    (CLEAN, "De evaluatie van het actieplan 2024-2026 start in januari 2027."),
    (CLEAN, "Training gegeven in Zaal 2 van het Gemeentehuis Barendrecht."),
    (CLEAN, "De netwerkbijeenkomst is in het Politiebureau Barendrecht, vergaderruimte 3."),
]


def classify(text: str) -> str:
    """What the guard does with ``text`` (in an app context, with the domain's words known):
    refuses it, asks about it, or lets it pass."""
    from tracker.privacy.guard import check

    findings = check(text)
    if any(f.is_hard for f in findings):
        return HARD
    return ASK if findings else CLEAN


def corpus_figures() -> dict[str, dict[str, float]]:
    """Precision and recall per class over the corpus, as the guard decides."""
    verdicts = [(expected, classify(text)) for expected, text in CORPUS]
    figures = {}
    for cls in (HARD, ASK, CLEAN):
        right = sum(1 for e, v in verdicts if e == v == cls)
        said = sum(1 for _, v in verdicts if v == cls)
        real = sum(1 for e, _ in verdicts if e == cls)
        figures[cls] = {
            "texts": real,
            "precision": right / said if said else 1.0,
            "recall": right / real if real else 1.0,
        }
    return figures
