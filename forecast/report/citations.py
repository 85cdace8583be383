"""The datasets behind the case table and the references a report cites for them.

The list follows ``data/README.md`` ("Sources"); the report prints it on its last page.
"""

from __future__ import annotations

__all__ = ["CITATIONS"]

#: The datasets behind the case table and their references (``data/README.md``, "Sources").
CITATIONS: tuple[tuple[str, str], ...] = (
    (
        "COW Inter-State War Data v4.0 (1823–2003)",
        "Sarkees, Meredith Reid, and Frank Wayman. 2010. Resort to War: 1816–2007. "
        "Washington, DC: CQ Press.",
    ),
    (
        "COW Militarized Interstate Disputes (MID) 4.3 (1816–2010)",
        "Palmer, Glenn, Vito D'Orazio, Michael Kenwick, and Matthew Lane. 2015. "
        "“The MID4 Dataset, 2002–2010.” Conflict Management and Peace Science 32(2): 222–242.",
    ),
    (
        "Alliance Treaty Obligations and Provisions (ATOP) 5.1 (1815–2018)",
        "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. "
        "2002. “Alliance Treaty Obligations and Provisions, 1815–1944.” International "
        "Interactions 28: 237–260; Leeds, Brett Ashley. 2022. ATOP Codebook, version 5.1.",
    ),
    (
        "COW State System Membership v2016 and Major Powers v2016",
        "Correlates of War Project. 2017. State System Membership List, v2016; "
        "Major Powers, v2016. https://correlatesofwar.org",
    ),
    (
        "COW National Material Capabilities v5.0 (to 2012) and v7.0 (2013–2022)",
        "Singer, J. David, Stuart Bremer, and John Stuckey. 1972. “Capability Distribution, "
        "Uncertainty, and Major Power War, 1820–1965.” In Peace, War, and Numbers, ed. Bruce "
        "Russett, 19–48. Beverly Hills: Sage. Version 7.0 as distributed by peacesciencer: "
        "Miller, Steven V. 2022. “peacesciencer: An R Package for Quantitative Peace Science "
        "Research.” Conflict Management and Peace Science 39(6): 755–779.",
    ),
    (
        "COW Direct Contiguity v3.2",
        "Stinnett, Douglas M., Jaroslav Tir, Philip Schafer, Paul F. Diehl, and Charles "
        "Gochman. 2002. “The Correlates of War Project Direct Contiguity Data, Version 3.” "
        "Conflict Management and Peace Science 19(2): 58–66.",
    ),
    (
        "COW country codes",
        "Correlates of War Project. State System Membership: COW country codes. "
        "https://correlatesofwar.org",
    ),
    (
        "Boix-Miller-Rosato Dichotomous Coding of Democracy v4.0 (1800–2020)",
        "Boix, Carles, Michael Miller, and Sebastian Rosato. 2013. “A Complete Data Set of "
        "Political Regimes, 1800–2007.” Comparative Political Studies 46(12): 1523–1554.",
    ),
    (
        "Curated cases and levels of help",
        "Attacks after the COW data end (2008 onward) and the diplomatic and material levels "
        "of help are hand-coded, each row with its citation: data/CURATED.md and "
        "data/RESPONSES.md in the forecast repository.",
    ),
)
