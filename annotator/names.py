"""How news copy names and describes the people and bodies it quotes: shared word lists.

The quotes suggester (annotator.suggest.builtin.quotes) reads them to find a
speaker in an attribution; the quote ledger (annotator.ledger.speakers) reads
them to tell one speaker's names apart from another's. They describe news
prose in general, nothing of any one article.

Every list is lower-case words, without a final period ("gen", not "Gen."),
except SURNAME_PREFIXES, which is matched against a word as written.

    TITLES              words that head a title or a role before a name
                        ("Defense Secretary Lloyd Austin", "Gen. Mark Milley")
    ABBREVIATED_TITLES  an abbreviated title -> the title it stands for
    DEPARTMENTS         words of a department or an institution's name, which a
                        title may include ("Secretary of State Antony Blinken")
    ORGANISATION_ENDS   a run of capitalised words ending in one is an organisation
    NAME_PARTICLES      words inside a surname ("von der Leyen", "bin Salman")
    SURNAME_PREFIXES    the starts of surnames with a capital inside ("McKenzie")
    SUFFIXES            after a name ("Jr.", "III")
    PERSON_NOUNS        a person who can be a source; the plural is a group
    PLURAL_PERSONS      group words without a singular in PERSON_NOUNS
    BODY_NOUNS          institutions, bodies and documents that news cites
    INDEFINITES, QUANTIFIERS   words that open a description ("a", "some", "two")

Standard library only (contract `leaves`).
"""

from __future__ import annotations

from types import MappingProxyType


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


PERSON_NOUNS = _words(
    """official spokesman spokeswoman spokesperson source diplomat officer aide adviser advisor
    analyst expert lawmaker legislator senator congressman congresswoman resident witness commander
    soldier worker employee person member investigator researcher scientist doctor negotiator
    minister leader executive director lawyer attorney prosecutor activist journalist economist
    strategist insider staffer relative neighbor neighbour survivor militant representative envoy
    ambassador mediator observer critic organizer organiser fellow chairman chairwoman president
    general admiral colonel governor mayor judge professor secretary chief manager owner teacher
    student officer engineer historian pollster consultant veteran captain coach lieutenant sergeant
    detective inspector sheriff commissioner chancellor premier admiral principal superintendent
    bishop priest pastor rabbi imam cleric dean spokesperson chairperson ceo founder editor host
    speaker pilot nurse farmer trader banker diplomat official"""
)
PLURAL_PERSONS = _words("people police spokespeople men women authorities")
# Given as written ("the government", "police").
BODY_NOUNS = _words(
    """government ministry department agency agencies administration military army navy police
    authorities intelligence media embassy court council committee commission campaign company
    firm coalition alliance party union office command militia regime cabinet parliament
    congress senate prosecutors state companies firms automaker carmaker manufacturer retailer
    lender insurer airline startup network newspaper broadcaster team club league university
    hospital school district charity organization organisation group groups
    statement report reports documents filing study survey memo letter lawsuit complaint
    indictment ruling assessment poll"""
)  # the last line: documents, which news cites as sources too ("the indictment says")
# In a run of capitalised words, the name starts after the last of these.
TITLES = _words(
    """president vice prime minister secretary undersecretary under deputy assistant acting general
    gen admiral adm colonel col lieutenant lt major maj captain capt sergeant sgt commander cmdr
    chief chairman chairwoman chair director ambassador amb senator sen representative rep
    congressman congresswoman governor gov mayor judge justice attorney speaker leader spokesman
    spokeswoman spokesperson professor prof dr mr mrs ms mx sir dame lord lady prince princess pope
    bishop cardinal rev reverend father sheikh imam rabbi commissioner chancellor officer sheriff
    detective det inspector superintendent supt ceo cfo coo chief coach dean premier envoy counsel
    councilman councilwoman councilmember councillor councilor alderman alderwoman assemblyman
    assemblywoman assemblymember selectman trustee delegate congressmember
    founder editor correspondent pvt cpl brig emir ayatollah marshal fellow analyst sec secdef"""
)
DEPARTMENTS = _words(
    """affairs staff state defense defence foreign security intelligence policy army navy air force
    forces marine marines corps command department ministry office council committee agency house
    senate congress parliament court university institute center centre foundation association
    bank fund group party union commission bureau authority services service nations united
    states guard police post times news network watch international airport company corp inc ltd
    church hospital school club embassy administration government republic kingdom coalition
    alliance front movement pentagon health justice treasury homeland energy commerce labor
    education interior"""
)
# Words that qualify a department rather than end an organisation's name ("State", "Defense").
ORGANISATION_ENDS = DEPARTMENTS - _words("state united defense defence foreign security policy health")
ABBREVIATED_TITLES = MappingProxyType(
    {
        "gen": "general",
        "adm": "admiral",
        "col": "colonel",
        "lt": "lieutenant",
        "maj": "major",
        "capt": "captain",
        "sgt": "sergeant",
        "cmdr": "commander",
        "amb": "ambassador",
        "sen": "senator",
        "rep": "representative",
        "gov": "governor",
        "prof": "professor",
        "det": "detective",
        "supt": "superintendent",
    }
)
NAME_PARTICLES = _words("de del della der den van von bin ibn al el la le du da di dos das ter ten")
SURNAME_PREFIXES = ("Mc", "Mac", "De", "Di", "Da", "Du", "La", "Le", "Van", "Von", "O’", "O'", "St")
SUFFIXES = _words("jr jr. sr sr. ii iii iv")
INDEFINITES = _words("a an one another")
QUANTIFIERS = _words(
    "some many several most other others few both all various numerous two three four five six seven eight nine ten"
)
