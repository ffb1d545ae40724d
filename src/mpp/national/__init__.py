"""National forecasts from mixed-frequency sources: every stream the MPP publishes, coherent across months,
quarters, years and streams on every sample path. See docs/national.md.

    config.py    config/national.yaml, validated
    sources.py   every national source file -> one observation table (mpp.data.observations)
    model.py     sample paths per stream and the total
    run.py       bands (month, quarter, year), files, manifest
    backtest.py  the rolling-origin track record against the naive rule and the official MPP
"""
