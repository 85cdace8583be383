"""The references behind every result: each dataset and study, as text and as BibTeX.

:data:`REFERENCES` lists every dataset the case table rests on and the published reliability
studies the model card compares with, in the order the report prints them; :data:`READERS` maps
each module of :mod:`forecast.sources` to the keys of the references it rests on. Versions and
references follow ``data/README.md`` ("Sources") and the data's ``PROVENANCE.md``; a field not
checked against a published source carries ``note = {unverified: written from memory}``. Pure
data: it imports nothing from ``forecast`` but its errors.

Examples
--------
>>> from forecast import citations
>>> [r.key for r in citations.references("bmr")]
['boix2013bmr']
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from .errors import ForecastError

__all__ = ["READERS", "REFERENCES", "Reference", "bibtex", "references"]


@dataclass(frozen=True)
class Reference:
    """One reference: a dataset or a study, as the report prints it and as BibTeX.

    Parameters
    ----------
    key : str
        The BibTeX key, also the name ``forecast cite KEY`` selects it by.
    label : str
        The dataset (or study) and its version, as the report's "Data sources" lists it.
    text : str
        The formatted reference on one line.
    bibtex : str
        The BibTeX entry, ``@type{key, ...}``.
    """

    key: str
    label: str
    text: str
    bibtex: str


def _ref(label: str, text: str, entry: str) -> Reference:
    """A reference whose key is the BibTeX entry's (``@type{key, ...``)."""
    return Reference(entry[entry.index("{") + 1 : entry.index(",")], label, text, entry + "\n")


#: Every reference, datasets first, then the reliability studies the model card compares with.
REFERENCES: tuple[Reference, ...] = (
    _ref(
        "COW Inter-State War Data v4.0 (1823–2003)",
        "Sarkees, Meredith Reid, and Frank Wayman. 2010. Resort to War: 1816–2007. Washington, "
        "DC: CQ Press.",
        r"""@book{sarkees2010resort,
  author = {Sarkees, Meredith Reid and Wayman, Frank},
  title = {Resort to War: 1816--2007},
  publisher = {CQ Press}, address = {Washington, DC}, year = {2010},
}""",
    ),
    _ref(
        "Directed Dyadic Interstate War Data, May 2018 release (1816–2010)",
        "Maoz, Zeev, Paul L. Johnson, Jasper Kaplan, Fiona Ogunkoya, and Aaron P. Shreve. 2019. "
        "“The Dyadic Militarized Interstate Disputes (MIDs) Dataset Version 3.0: Logic, "
        "Characteristics, and Comparisons to Alternative Datasets.” Journal of Conflict "
        "Resolution 63(3): 811–835.",
        r"""@article{maoz2019dyadic,
  author = {Maoz, Zeev and Johnson, Paul L. and Kaplan, Jasper and Ogunkoya, Fiona
    and Shreve, Aaron P.},
  title = {The Dyadic Militarized Interstate Disputes ({MIDs}) Dataset Version 3.0: Logic,
    Characteristics, and Comparisons to Alternative Datasets},
  journal = {Journal of Conflict Resolution},
  year = {2019}, volume = {63}, number = {3}, pages = {811--835},
  note = {Cited for the Directed Dyadic Interstate War data, May 2018 release},
}""",
    ),
    _ref(
        "COW Militarized Interstate Disputes (MID) 4.3 (1816–2010)",
        "Palmer, Glenn, Vito D'Orazio, Michael Kenwick, and Matthew Lane. 2015. “The MID4 "
        "Dataset, 2002–2010: Procedures, Coding Rules and Description.” Conflict Management and "
        "Peace Science 32(2): 222–242.",
        r"""@article{palmer2015mid4,
  author = {Palmer, Glenn and D'Orazio, Vito and Kenwick, Michael and Lane, Matthew},
  title = {The {MID4} Dataset, 2002--2010: Procedures, Coding Rules and Description},
  journal = {Conflict Management and Peace Science},
  year = {2015}, volume = {32}, number = {2}, pages = {222--242},
  doi = {10.1177/0738894214559680},
}""",
    ),
    _ref(
        "Alliance Treaty Obligations and Provisions (ATOP) 5.1 (1815–2018)",
        "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. "
        "2002. “Alliance Treaty Obligations and Provisions, 1815–1944.” International "
        "Interactions 28(3): 237–260.",
        r"""@article{leeds2002atop,
  author = {Leeds, Brett Ashley and Ritter, Jeffrey M. and Mitchell, Sara McLaughlin
    and Long, Andrew G.},
  title = {Alliance Treaty Obligations and Provisions, 1815--1944},
  journal = {International Interactions},
  year = {2002}, volume = {28}, number = {3}, pages = {237--260},
}""",
    ),
    _ref(
        "ATOP 5.1 codebook",
        "Leeds, Brett Ashley. 2022. Alliance Treaty Obligations and Provisions (ATOP) Codebook, "
        "Version 5.1. Houston: Rice University.",
        r"""@manual{leeds2022atopcodebook,
  author = {Leeds, Brett Ashley},
  title = {Alliance Treaty Obligations and Provisions ({ATOP}) Codebook, Version 5.1},
  organization = {Rice University}, year = {2022},
  note = {Dated 9 August 2022},
}""",
    ),
    _ref(
        "COW State System Membership v2016 and Major Powers v2016",
        "Correlates of War Project. 2017. State System Membership List, v2016; Major Powers, "
        "v2016. https://correlatesofwar.org",
        r"""@misc{cow2017states,
  author = {{Correlates of War Project}},
  title = {State System Membership List, v2016},
  year = {2017},
  url = {https://correlatesofwar.org},
  note = {With the Major Powers list, v2016},
}""",
    ),
    _ref(
        "COW National Material Capabilities v5.0 (to 2012) and v7.0 (2013–2022)",
        "Singer, J. David, Stuart Bremer, and John Stuckey. 1972. “Capability Distribution, "
        "Uncertainty, and Major Power War, 1820–1965.” In Peace, War, and Numbers, ed. Bruce "
        "Russett, 19–48. Beverly Hills: Sage. (Version 7.0 as distributed by peacesciencer.)",
        r"""@incollection{singer1972nmc,
  author = {Singer, J. David and Bremer, Stuart and Stuckey, John},
  title = {Capability Distribution, Uncertainty, and Major Power War, 1820--1965},
  booktitle = {Peace, War, and Numbers},
  editor = {Russett, Bruce},
  publisher = {Sage}, address = {Beverly Hills}, year = {1972}, pages = {19--48},
  note = {Cited for COW National Material Capabilities v5.0 and v7.0},
}""",
    ),
    _ref(
        "COW Direct Contiguity v3.2",
        "Stinnett, Douglas M., Jaroslav Tir, Philip Schafer, Paul F. Diehl, and Charles "
        "Gochman. 2002. “The Correlates of War Project Direct Contiguity Data, Version 3.” "
        "Conflict Management and Peace Science 19(2): 58–66.",
        r"""@article{stinnett2002contiguity,
  author = {Stinnett, Douglas M. and Tir, Jaroslav and Schafer, Philip and Diehl, Paul F.
    and Gochman, Charles},
  title = {The {Correlates of War} Project Direct Contiguity Data, Version 3},
  journal = {Conflict Management and Peace Science},
  year = {2002}, volume = {19}, number = {2}, pages = {58--66},
}""",
    ),
    _ref(
        "COW country codes",
        "Correlates of War Project. State System Membership: COW country codes. "
        "https://correlatesofwar.org",
        r"""@misc{cowcodes,
  author = {{Correlates of War Project}},
  title = {{COW} Country Codes},
  url = {https://correlatesofwar.org},
  note = {The list is undated, so no year is given; its content matches the
    State System Membership List, v2016},
}""",
    ),
    _ref(
        "Boix-Miller-Rosato Dichotomous Coding of Democracy v4.0 (1800–2020)",
        "Boix, Carles, Michael K. Miller, and Sebastian Rosato. 2013. “A Complete Data Set of "
        "Political Regimes, 1800–2007.” Comparative Political Studies 46(12): 1523–1554; data "
        "v4.0, Harvard Dataverse, doi:10.7910/DVN/FENWWR.",
        r"""@article{boix2013bmr,
  author = {Boix, Carles and Miller, Michael K. and Rosato, Sebastian},
  title = {A Complete Data Set of Political Regimes, 1800--2007},
  journal = {Comparative Political Studies},
  year = {2013}, volume = {46}, number = {12}, pages = {1523--1554},
  doi = {10.1177/0010414012463905},
  note = {Data: Boix-Miller-Rosato Dichotomous Coding of Democracy, 1800--2020,
    version 4.0, Harvard Dataverse, doi:10.7910/DVN/FENWWR},
}""",
    ),
    _ref(
        "Strategic rivalries, Thompson, Sakuwa & Suhas (1494–2020)",
        "Thompson, William R., Kentaro Sakuwa, and Prashant Hosur Suhas. 2022. Analyzing "
        "Strategic Rivalries in World Politics: Types of Rivalry, Regional Variation, and "
        "Escalation/De-escalation. Singapore: Springer.",
        r"""@book{thompson2022rivalries,
  author = {Thompson, William R. and Sakuwa, Kentaro and Suhas, Prashant Hosur},
  title = {Analyzing Strategic Rivalries in World Politics: Types of Rivalry, Regional
    Variation, and Escalation/De-escalation},
  publisher = {Springer}, address = {Singapore}, year = {2022},
}""",
    ),
    _ref(
        "Minimum distances between borders, from CShapes 2.0 (1886–2019)",
        "Schvitz, Guy, Seraina Rüegger, Luc Girardin, Lars-Erik Cederman, Nils B. Weidmann, and "
        "Kristian Skrede Gleditsch. 2022. “Mapping the International System, 1886–2019: The "
        "CShapes 2.0 Dataset.” Journal of Conflict Resolution 66(1): 144–161.",
        r"""@article{schvitz2022cshapes,
  author = {Schvitz, Guy and R{\"u}egger, Seraina and Girardin, Luc and Cederman, Lars-Erik
    and Weidmann, Nils B. and Gleditsch, Kristian Skrede},
  title = {Mapping the International System, 1886--2019: The {CShapes} 2.0 Dataset},
  journal = {Journal of Conflict Resolution},
  year = {2022}, volume = {66}, number = {1}, pages = {144--161},
  doi = {10.1177/00220027211013563},
}""",
    ),
    _ref(
        "Shared IGO memberships, COW IGO v3.0 (1816–2014)",
        "Pevehouse, Jon C. W., Timothy Nordstrom, Roseanne W. McManus, and Anne Spencer "
        "Jamison. 2020. “Tracking Organizations in the World: The Correlates of War IGO Version "
        "3.0 Datasets.” Journal of Peace Research 57(3): 492–503.",
        r"""@article{pevehouse2020igo,
  author = {Pevehouse, Jon C. W. and Nordstrom, Timothy and McManus, Roseanne W.
    and Jamison, Anne Spencer},
  title = {Tracking Organizations in the World: The {Correlates of War} {IGO} Version 3.0
    Datasets},
  journal = {Journal of Peace Research},
  year = {2020}, volume = {57}, number = {3}, pages = {492--503},
}""",
    ),
    _ref(
        "peacesciencer 1.2.9 (ATOP dyad-years, NMC v7.0, rivalries, distances, capitals, IGOs)",
        "Miller, Steven V. 2022. “peacesciencer: An R Package for Quantitative Peace Science "
        "Research.” Conflict Management and Peace Science 39(6): 755–779.",
        r"""@article{miller2022peacesciencer,
  author = {Miller, Steven V.},
  title = {{peacesciencer}: An {R} Package for Quantitative Peace Science Research},
  journal = {Conflict Management and Peace Science},
  year = {2022}, volume = {39}, number = {6}, pages = {755--779},
  doi = {10.1177/07388942221077926},
  note = {Package version 1.2.9: the source of the ATOP 5.1 directed dyad-years, NMC v7.0,
    strategic rivalries, minimum distances, capitals and shared IGO memberships},
}""",
    ),
    _ref(
        "Curated cases and levels of help",
        "Attacks after the COW data end (2008 onward) and the diplomatic and material levels of "
        "help are hand-coded, each row with its citation: data/CURATED.md and data/RESPONSES.md "
        "in the forecast repository.",
        r"""@misc{forecast-curated,
  author = {{forecast developers}},
  title = {Curated Cases and Levels of Help},
  howpublished = {The hand-coded tables in data/ of the forecast repository
    (data/CURATED.md, data/RESPONSES.md)},
  note = {No year: the tables change with the repository, so cite the forecast version
    used; each row cites its own sources},
}""",
    ),
    _ref(
        "Published alliance reliability, 1816–1944 (Leeds, Long & Mitchell 2000)",
        "Leeds, Brett Ashley, Andrew G. Long, and Sara McLaughlin Mitchell. 2000. “Reevaluating "
        "Alliance Reliability: Specific Threats, Specific Promises.” Journal of Conflict "
        "Resolution 44(5): 686–699.",
        r"""@article{leeds2000reliability,
  author = {Leeds, Brett Ashley and Long, Andrew G. and Mitchell, Sara McLaughlin},
  title = {Reevaluating Alliance Reliability: Specific Threats, Specific Promises},
  journal = {Journal of Conflict Resolution},
  year = {2000}, volume = {44}, number = {5}, pages = {686--699},
  doi = {10.1177/0022002700044005006},
}""",
    ),
    _ref(
        "Published alliance reliability, 1816–2003 (Berkemeier & Fuhrmann 2018)",
        "Berkemeier, Molly, and Matthew Fuhrmann. 2018. “Reassessing the Fulfillment of "
        "Alliance Commitments in War.” Research & Politics 5(2).",
        # volume and number not found in a checked source (authors, title, journal, year were)
        r"""@article{berkemeier2018reliability,
  author = {Berkemeier, Molly and Fuhrmann, Matthew},
  title = {Reassessing the Fulfillment of Alliance Commitments in War},
  journal = {Research \& Politics},
  year = {2018}, volume = {5}, number = {2},
  note = {unverified: written from memory},
}""",
    ),
    _ref(
        "Published alliance reliability, 1816–1965 (Sabrosky 1980)",
        "Sabrosky, Alan Ned. 1980. “Interstate Alliances: Their Reliability and the Expansion "
        "of War.” In The Correlates of War II: Testing Some Realpolitik Models, ed. J. David "
        "Singer, 161–198. New York: Free Press.",
        # no field found in a checked source
        r"""@incollection{sabrosky1980reliability,
  author = {Sabrosky, Alan Ned},
  title = {Interstate Alliances: Their Reliability and the Expansion of War},
  booktitle = {The Correlates of War {II}: Testing Some Realpolitik Models},
  editor = {Singer, J. David},
  publisher = {Free Press}, address = {New York}, year = {1980}, pages = {161--198},
  note = {unverified: written from memory},
}""",
    ),
)

_ATTACKS = ("sarkees2010resort", "maoz2019dyadic", "palmer2015mid4", "singer1972nmc")
_COVARIATES = (
    "cow2017states",
    "singer1972nmc",
    "miller2022peacesciencer",
    "boix2013bmr",
    "stinnett2002contiguity",
    "leeds2002atop",
    "leeds2022atopcodebook",
)
_DYADS = ("thompson2022rivalries", "schvitz2022cshapes", "pevehouse2020igo")
_INVOCATION = ("leeds2002atop", "leeds2022atopcodebook", "sarkees2010resort")
_OURS = ("forecast-curated",)
_PEACESCIENCER = ("miller2022peacesciencer",)
_STUDIES = ("leeds2000reliability", "berkemeier2018reliability", "sabrosky1980reliability")


def _union(*groups: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k for g in groups for k in g))


#: Module of :mod:`forecast.sources` -> keys of the references it rests on (the files it
#: reads, or the tables of other readers it combines).
READERS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "atop": ("leeds2002atop", "leeds2022atopcodebook", *_PEACESCIENCER),
        "bmr": ("boix2013bmr",),
        "cow": _union(
            _ATTACKS, ("cow2017states", "stinnett2002contiguity", "cowcodes"), _PEACESCIENCER
        ),
        "derived": _union(_DYADS, _PEACESCIENCER),
        "embedded": _OURS,
        "attacks": _union(_ATTACKS, _OURS),
        "covariates": _union(_COVARIATES, _OURS),
        "dyads": _union(_DYADS, _PEACESCIENCER, _OURS),
        "invocation": _union(_INVOCATION, _OURS),
        "rows": _union(_ATTACKS, _COVARIATES, _DYADS, _INVOCATION, _PEACESCIENCER, _OURS),
        "curated": _union(_COVARIATES, _DYADS, _INVOCATION, _PEACESCIENCER, _OURS),
        "present": _union(_COVARIATES, _DYADS, _INVOCATION, _PEACESCIENCER, _OURS),
        "build": tuple(r.key for r in REFERENCES if r.key not in _STUDIES),
    }
)

_BY_KEY = {r.key.lower(): r.key for r in REFERENCES}


def references(which: str | None = None) -> tuple[Reference, ...]:
    """Return the references for a reader or dataset, or all of them.

    Parameters
    ----------
    which : str, optional
        A reader (a module of :mod:`forecast.sources`, e.g. ``"atop"``), a reference key
        (``"boix2013bmr"``) or a part of a label (``"contiguity"``, ``"reliability"``), in any
        case; ``None`` selects every reference.

    Returns
    -------
    tuple of Reference
        The selected references, in the order of :data:`REFERENCES`.

    Raises
    ------
    ForecastError
        If ``which`` names no reader, key or label; the message lists the valid names.
    """
    if which is None:
        return REFERENCES
    name = " ".join(str(which).split()).lower()
    if name in READERS:
        keys = set(READERS[name])
    elif name in _BY_KEY:
        keys = {_BY_KEY[name]}
    else:
        keys = {r.key for r in REFERENCES if name and name in r.label.lower()}
    if not keys:
        raise ForecastError(
            f"no reader or dataset named {which!r}; readers: {', '.join(sorted(READERS))}; "
            f"datasets: {', '.join(r.key for r in REFERENCES)} (or part of a dataset's name)"
        )
    return tuple(r for r in REFERENCES if r.key in keys)


def bibtex(which: str | None = None) -> str:
    """Return the BibTeX entries for a reader or dataset, or all of them.

    Parameters
    ----------
    which : str, optional
        As for :func:`references`; ``None`` gives every entry.

    Returns
    -------
    str
        The entries, separated by blank lines, ending in a newline.

    Raises
    ------
    ForecastError
        If ``which`` names no reader, key or label.
    """
    return "\n".join(r.bibtex for r in references(which))
