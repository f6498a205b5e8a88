"""One rendered CT case shared by the render and anatomy specs."""

import numpy as np
import pytest

from demo.synthetic.ct_phantom.render import render_ct_case


@pytest.fixture(scope='package')
def case():
    """One 32-slice 128x128 case: (hu, label, affine)."""
    return render_ct_case(np.random.default_rng([0, 5]), size=(128, 128), slices=32)
