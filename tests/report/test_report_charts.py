import numpy as np
import pandas as pd
import pytest

from mpp.report.charts import annual_chart, fan_chart, figure_png, realised_annual
from mpp.report.inputs import read_run


@pytest.fixture(scope="module")
def run(run_dir):
    return read_run(run_dir)


def _legend(fig):
    return [tx.get_text() for tx in fig.axes[0].get_legend().get_texts()]


def test_fan_chart_draws_history_bands_and_median(run):
    fig = fan_chart(
        run.history_series("TOTAL/TOTAL"), run.series_bands("TOTAL/TOTAL"), "Total", "en", history_months=24
    )
    ax = fig.axes[0]
    assert _legend(fig) == ["realised", "minimum - maximum", "median - medio", "median"]
    history_line, median_line = ax.get_lines()[0], ax.get_lines()[-1]
    assert len(history_line.get_xdata()) == 24
    bands = run.series_bands("TOTAL/TOTAL")
    # the fan starts at the last realised value, then follows the median of the bands
    assert median_line.get_ydata()[0] == history_line.get_ydata()[-1]
    np.testing.assert_allclose(median_line.get_ydata()[1:], bands["median"].to_numpy())
    assert len(ax.collections) == 2  # outer and inner band
    assert ax.get_ylim()[1] >= bands["maximum"].max()
    png = figure_png(fig)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_fan_chart_labels_in_dutch_and_without_history(run):
    fig = fan_chart(pd.Series(dtype=float), run.series_bands("nareizigers/TOTAL"), "nareizigers", "nl")
    assert _legend(fig) == ["minimum - maximum", "mediaan - medio", "mediaan"]
    assert fig.axes[0].get_ylabel() == "personen per maand"
    assert fig.axes[0].yaxis.get_major_formatter()(12000, 0) == "12.000"


def test_realised_annual_keeps_complete_years_only():
    idx = pd.period_range("2023-01", "2024-06", freq="M")
    s = pd.Series(np.ones(len(idx)), index=idx)
    assert realised_annual(s).to_dict() == {2023: 12.0}


def test_annual_chart_bars_are_medians_with_min_max_whiskers(run):
    a = run.series_bands("TOTAL/TOTAL", annual=True)
    fig = annual_chart(a, "Total", "nl", realised=realised_annual(run.history_series("TOTAL/TOTAL")))
    ax = fig.axes[0]
    assert _legend(fig)[:2] == ["gerealiseerd", "mediaan"]
    realised_bars, median_bars = ax.containers[0], ax.containers[1]
    assert [b.get_height() for b in median_bars] == pytest.approx(a.sort_values("year")["median"].tolist())
    assert len(realised_bars) == 3
    whiskers = [c for c in ax.collections if hasattr(c, "get_segments")]
    seg = whiskers[0].get_segments()
    assert [s[:, 1].min() for s in seg] == pytest.approx(a.sort_values("year")["minimum"].tolist())
    assert [s[:, 1].max() for s in seg] == pytest.approx(a.sort_values("year")["maximum"].tolist())
