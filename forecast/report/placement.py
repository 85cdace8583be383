"""Putting the figures into the laid-out report as vector Form XObjects.

reportlab lays the text out and leaves an empty :func:`_slot_class` flowable where each
figure goes; each slot records the page and rectangle it landed on. :func:`_place_figures`
then uses pypdf to draw each figure's one-page PDF (:mod:`forecast.report.figures`) into its
rectangle as a Form XObject, so figures stay vector graphics, and sets the document
metadata.
"""

from __future__ import annotations

import io


def _slot_class():
    """A Flowable that reserves space for a figure and records where it landed."""
    from reportlab.platypus import Flowable

    class FigureSlot(Flowable):
        def __init__(self, key: str, width: float, height: float, doc, record: list):
            super().__init__()
            self.key, self.width, self.height = key, width, height
            self._doc, self._record = doc, record

        def wrap(self, avail_width, avail_height):
            return self.width, self.height

        def draw(self):
            x, y = self.canv.absolutePosition(0, 0)
            self._record.append((self._doc.page, x, y, self.width, self.height, self.key))

    return FigureSlot


def _place_figures(base: bytes, figures: list[dict], record: list, metadata: dict) -> bytes:
    """Put each figure's PDF page into its slot as a Form XObject; set the metadata."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
    )

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(base)))
    by_key = {f["key"]: f for f in figures}
    for i, (page_no, x, y, w, h, key) in enumerate(record, start=1):
        src = PdfReader(io.BytesIO(by_key[key]["pdf"])).pages[0]
        box = [float(v) for v in src.mediabox]
        form = DecodedStreamObject()
        form.set_data(src.get_contents().get_data())
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(FloatObject(v) for v in box),
                NameObject("/Resources"): src["/Resources"].get_object().clone(writer),
            }
        )
        # pypdf has no public call to add a new indirect stream; _add_object is the one its
        # own page and annotation helpers use.
        ref = writer._add_object(form.flate_encode())
        page = writer.pages[page_no - 1]
        resources = DictionaryObject(page.get("/Resources", DictionaryObject()).get_object())
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        name = f"/ForecastFigure{i}"
        xobjects[NameObject(name)] = ref
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        sx, sy = w / (box[2] - box[0]), h / (box[3] - box[1])
        ox, oy = x - box[0] * sx, y - box[1] * sy
        draw = f"\nq {sx:.6f} 0 0 {sy:.6f} {ox:.4f} {oy:.4f} cm {name} Do Q\n".encode()
        content = DecodedStreamObject()
        content.set_data(page.get_contents().get_data() + draw)
        page.replace_contents(content.flate_encode())
    writer.add_metadata(metadata)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
