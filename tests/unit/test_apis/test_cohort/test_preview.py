"""render_preview / write_preview: planes in physical proportions through the structures,
colours where the labels are, a legend, a file that appears whole or not at all."""

import numpy as np
import pytest
from PIL import Image

from attn_unet.apis.cohort import (
    CT_WINDOW,
    display_planes,
    intensity_window,
    render_preview,
    structure_centre,
    write_preview,
)
from attn_unet.errors import ToolError

CLASSES = ['background', 'liver', 'spleen', 'kidney']
PALETTE = [(0, 0, 0), (255, 0, 0), (0, 255, 0), (0, 0, 255)]


@pytest.fixture
def case():
    """An LPS volume (X, Y, Z) = (60, 50, 16) of 1 x 1 x 5 mm: flat grey, two boxes."""
    image = np.full((60, 50, 16), 40.0, np.float32)
    labels = np.zeros(image.shape, np.uint8)
    labels[10:30, 10:30, 4:10] = 1  # liver: x 10-29, y 10-29, z 4-9
    labels[40:50, 20:30, 6:12] = 2  # spleen
    return image, labels, (1.0, 1.0, 5.0)


def _render(case, **kwargs):
    image, labels, spacing = case
    return render_preview(image, labels, spacing, PALETTE, CLASSES, modality='CT', **kwargs)


def test_panels_keep_physical_proportions(case):
    preview = _render(case, max_side=240)
    # extents: X 60 mm, Y 50 mm, Z 80 mm -> 240 px for the 80 mm, 3 px per mm
    assert preview.mm_per_pixel == pytest.approx(80 / 240)
    heights_widths = {name: box[2:] for name, box in preview.panels.items()}
    assert heights_widths == {'axial': (150, 180), 'coronal': (240, 180), 'sagittal': (240, 150)}
    # 16 slices of 5 mm are as tall as 80 columns of 1 mm would be wide
    axial_h = heights_widths['axial'][0]
    coronal_h = heights_widths['coronal'][0]
    assert coronal_h / 16 == pytest.approx(5 * axial_h / 50)


def test_the_planes_pass_through_the_centre_of_the_structures(case):
    image, labels, spacing = case
    mask = labels > 0
    expected = tuple(int(round(c)) for c in np.argwhere(mask).mean(axis=0))
    assert structure_centre(labels) == expected
    assert _render(case).centre == expected


def test_an_empty_segmentation_shows_the_volume_centre(case):
    image, _, spacing = case
    labels = np.zeros(image.shape, np.uint8)
    preview = render_preview(image, labels, spacing, PALETTE, CLASSES)
    assert preview.centre == (30, 25, 8)
    assert set(preview.swatches) == {'liver', 'spleen', 'kidney'}


def test_display_planes_are_oriented_as_radiologists_read_them():
    """LPS voxel (x, y, z): axial rows y (anterior up), columns x (patient left on the
    right); coronal and sagittal rows from superior (top) down."""
    volume = np.zeros((4, 5, 6), int)
    volume[3, 1, 5] = 7  # far left, anterior, most superior
    planes = display_planes(volume, (3, 1, 5), (1, 2, 3))
    axial, (row_mm, col_mm) = planes['axial']
    assert axial.shape == (5, 4) and axial[1, 3] == 7 and (row_mm, col_mm) == (2, 1)
    coronal, spacing = planes['coronal']
    assert coronal.shape == (6, 4) and coronal[0, 3] == 7 and spacing == (3, 1)
    sagittal, spacing = planes['sagittal']
    assert sagittal.shape == (6, 5) and sagittal[0, 1] == 7 and spacing == (3, 2)


def _panel_pixel(preview, plane, row_mm, col_mm):
    top, left, _, _ = preview.panels[plane]
    scale = 1 / preview.mm_per_pixel
    return preview.pixels[top + int(row_mm * scale), left + int(col_mm * scale)]


def test_label_colours_appear_where_the_labels_are(case, tmp_path):
    preview = _render(case, max_side=240)
    path = tmp_path / 'case.png'
    write_preview(str(path), preview)
    pixels = np.asarray(Image.open(path).convert('RGB'))
    assert pixels.shape == preview.pixels.shape and (pixels == preview.pixels).all()
    grey = round((40 - CT_WINDOW[0]) * 255 / (CT_WINDOW[1] - CT_WINDOW[0]))
    cx, cy, cz = preview.centre  # the axial plane at z = cz cuts both boxes
    # axial: row = y mm, column = x mm (centres of voxels)
    liver = _panel_pixel(preview, 'axial', 20.5, 20.5)
    spleen = _panel_pixel(preview, 'axial', 25.5, 45.5)
    nothing = _panel_pixel(preview, 'axial', 45.5, 5.5)
    assert tuple(nothing) == (grey, grey, grey)
    for pixel, channel in ((liver, 0), (spleen, 1)):
        others = [c for c in range(3) if c != channel]
        assert pixel[channel] == round(0.55 * grey + 0.45 * 255)
        assert all(pixel[c] == round(0.55 * grey) for c in others)
    # coronal: row 0 is the top of the most superior slice; the liver's z 4-9 is 6-11 slices
    # down from the top of 16 -> rows 30-60 mm
    top_slice_mm = (16 - 1 - 9) * 5 + 2.5
    assert _panel_pixel(preview, 'coronal', top_slice_mm, 20.5)[0] > grey + 50
    assert tuple(_panel_pixel(preview, 'coronal', top_slice_mm - 5, 20.5)) == (grey,) * 3


def test_the_legend_shows_each_class_in_its_colour(case):
    preview = _render(case)
    assert set(preview.swatches) == {'liver', 'spleen', 'kidney'}
    for class_id, name in enumerate(CLASSES[1:], start=1):
        top, left, height, width = preview.swatches[name]
        swatch = preview.pixels[top : top + height, left : left + width]
        assert (swatch == PALETTE[class_id]).all(axis=-1).all()
        legend_row = preview.pixels[top : top + height, left + width : left + width + 120]
        assert (legend_row > 200).all(axis=-1).any()  # its name is written beside it
    pure = [(preview.pixels == c).all(axis=-1).sum() for c in PALETTE[1:]]
    assert all(n == 144 for n in pure)  # only the swatches are pure palette colours


def test_percentile_window_for_other_modalities():
    rng = np.random.default_rng(0)
    image = rng.normal(300, 50, (40, 40, 40))
    low, high = intensity_window(image)
    assert (low, high) == pytest.approx(tuple(np.percentile(image, (0.5, 99.5))), rel=1e-6)
    assert intensity_window(image, 'CT') == CT_WINDOW
    image[0, 0, 0] = np.nan  # non-finite voxels do not spoil the window
    assert all(np.isfinite(intensity_window(image)))


def test_an_existing_file_is_kept_unless_asked(case, tmp_path):
    path = tmp_path / 'case.png'
    path.write_bytes(b'the user file')
    preview = _render(case)
    with pytest.raises(ToolError, match='exists: pass --overwrite'):
        write_preview(str(path), preview)
    assert path.read_bytes() == b'the user file'
    write_preview(str(path), preview, overwrite=True)
    assert Image.open(path).size == preview.pixels.shape[1::-1]


def test_the_file_appears_only_complete(case, tmp_path, monkeypatch):
    """The PNG is written under a hidden partial name and renamed: a failed write leaves
    neither the file nor its partial."""
    import attn_unet.fileio.atomic_file as atomic_file

    seen = []
    real_publish = atomic_file.publish_file

    def publish(partial, path):
        seen.append((partial, Image.open(partial).size))  # whole before it is renamed
        assert not (tmp_path / 'case.png').exists()
        real_publish(partial, path)

    monkeypatch.setattr(atomic_file, 'publish_file', publish)
    preview = _render(case)
    write_preview(str(tmp_path / 'case.png'), preview)
    assert seen and seen[0][0] != str(tmp_path / 'case.png')
    assert seen[0][1] == preview.pixels.shape[1::-1]

    def broken(*args, **kwargs):
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(atomic_file, 'publish_file', broken)
    with pytest.raises(OSError):
        write_preview(str(tmp_path / 'other.png'), preview)
    assert sorted(p.name for p in tmp_path.iterdir()) == ['case.png']


@pytest.mark.parametrize(
    'labels, spacing, match',
    [
        (np.zeros((4, 4, 5), np.uint8), (1, 1, 1), 'one shape'),
        (np.full((4, 4, 4), 4, np.uint8), (1, 1, 1), 'ids 4..4'),
        (np.zeros((4, 4, 4), np.float32), (1, 1, 1), 'integer'),
        (np.zeros((4, 4, 4), np.uint8), (1, -1, 1), 'spacing'),
    ],
)
def test_bad_input_is_refused(labels, spacing, match):
    with pytest.raises(ValueError, match=match):
        render_preview(np.zeros((4, 4, 4)), labels, spacing, PALETTE, CLASSES)
