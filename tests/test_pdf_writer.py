"""Writing PDFs object by object (render.pdf_writer) and joining parts with it (render.merge)."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from boardpaper.render import merge
from boardpaper.render.merge import OutlineEntry, PartPdf, merge_parts, merge_parts_to_file
from boardpaper.render.pdf_writer import Copier, PdfWriter

TRICKY_TITLE = "Report (draft) 1 0 R \\ (see 12 0 R)"
"""A string holding what looks like references, parentheses and a backslash."""


def _source() -> pikepdf.Pdf:
    """A PDF whose catalog points at a dictionary with a tricky string, a shared child,
    an array, a real number and a stream."""
    pdf = pikepdf.new()
    child = pdf.make_indirect(Dictionary(N=5))
    pdf.Root.Test = pdf.make_indirect(
        Dictionary(
            Title=String(TRICKY_TITLE),
            Kid=child,
            Kids=Array([child, child, 628.223622]),
            Data=pdf.make_stream(b"stream bytes 3 0 R"),
        )
    )
    buffer = io.BytesIO()
    pdf.save(buffer)
    return pikepdf.open(io.BytesIO(buffer.getvalue()))


def _copy_test_object(source: pikepdf.Pdf) -> bytes:
    """A new PDF holding a copy of ``source.Root.Test`` (and no page)."""
    target = io.BytesIO()
    writer = PdfWriter(target)
    pages = writer.add(b"<< /Type /Pages /Kids [] /Count 0 >>")
    copier = Copier(writer, source)
    test = copier.number(source.Root.Test)
    copier.flush()
    writer.finish(writer.add(b"<< /Type /Catalog /Pages %d 0 R /Test %d 0 R >>" % (pages, test)))
    return target.getvalue()


def test_copied_objects_keep_their_values_with_references_renumbered() -> None:
    with _source() as source:
        data = _copy_test_object(source)
        source_child = source.Root.Test.Kid.objgen
    with pikepdf.open(io.BytesIO(data)) as copy:
        # A file with no page is all that QPDF's check has to say about it.
        assert [p for p in copy.check_pdf_syntax() if "any pages" not in p] == []
        test = copy.Root.Test
        assert str(test.Title) == TRICKY_TITLE
        assert test.Kid.N == 5
        assert test.Kid.objgen != source_child  # renumbered
        assert [item.objgen for item in test.Kids[:2]] == [test.Kid.objgen] * 2
        assert float(test.Kids[2]) == pytest.approx(628.223622)
        assert test.Data.read_bytes() == b"stream bytes 3 0 R"
        # catalog, pages, the test dictionary, its child and its stream: each once.
        assert len(copy.objects) == 5


def test_the_same_objects_give_the_same_bytes() -> None:
    with _source() as first, _source() as second:
        assert _copy_test_object(first) == _copy_test_object(second)


def test_a_reserved_object_never_written_is_an_error() -> None:
    writer = PdfWriter(io.BytesIO())
    writer.reserve()
    with pytest.raises(ValueError, match="never written"):
        writer.finish(writer.add(b"<< /Type /Catalog >>"))


def test_an_object_is_written_once() -> None:
    writer = PdfWriter(io.BytesIO())
    number = writer.add(b"<< >>")
    with pytest.raises(ValueError, match="already written"):
        writer.write(number, b"<< >>")


def test_a_joined_page_keeps_what_it_inherited_from_its_page_tree() -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 300))
    page = pdf.pages[0].obj
    del page["/MediaBox"]
    pdf.Root.Pages.MediaBox = Array([0, 0, 200, 300])
    pdf.Root.Pages.Rotate = 90
    buffer = io.BytesIO()
    pdf.save(buffer)
    joined = merge_parts([PartPdf(buffer.getvalue())] * 2, None, "Two", "en-GB", [])
    with pikepdf.open(io.BytesIO(joined)) as result:
        assert len(result.pages) == 2
        for joined_page in result.pages:
            assert [float(x) for x in joined_page.obj.MediaBox] == [0, 0, 200, 300]
            assert joined_page.obj.Rotate == 90
            assert joined_page.obj.Parent.objgen == result.Root.Pages.objgen
        assert result.Root.Pages.get("/MediaBox") is None
        assert result.docinfo.Title == "Two"


def test_a_pack_is_written_part_by_part(
    seed_outputs: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each part's objects reach the file before the next part is opened: the joining
    process holds neither the parts nor the pack (benchmarks/join.py measures it)."""
    target = tmp_path / "pack.pdf"
    sizes: list[int] = []
    opened = merge._open

    def recording_open(pdf: bytes | Path) -> pikepdf.Pdf:
        sizes.append(target.stat().st_size if target.exists() else 0)
        return opened(pdf)

    monkeypatch.setattr(merge, "_open", recording_open)
    seed = seed_outputs["pdf"]
    parts = [PartPdf(seed, names=(f"item-{n}",), label=f"item {n}") for n in range(4)]
    outline = [OutlineEntry(f"{n}. The seed", n) for n in range(4)]
    merge_parts_to_file(target, parts, None, "Pack", "en-GB", outline)
    assert len(sizes) == 4
    # The file is written through an 8 KiB buffer; each part adds far more than that.
    assert all(later > earlier + len(seed) // 2 for earlier, later in itertools.pairwise(sizes[1:]))
    assert sizes[1] > len(seed) // 2
    with pikepdf.open(target) as pack:
        assert pack.check_pdf_syntax() == []
        assert len(pack.pages) == 4 * len(pikepdf.open(io.BytesIO(seed)).pages)
        document = pack.Root.StructTreeRoot.K[0]
        assert Name.Document == document.S
        assert [kid.S for kid in document.K] == [Name.Part] * 4
        assert all(kid.P.objgen == document.objgen for kid in document.K)


def test_a_stamp_layer_of_the_wrong_length_is_an_error(seed_outputs: dict[str, bytes]) -> None:
    seed = seed_outputs["pdf"]
    with pytest.raises(ValueError, match="page-number layer has"):
        merge_parts([PartPdf(seed), PartPdf(seed)], seed, "Pack", "en-GB", [])
