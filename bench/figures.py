"""The figures every benchmark quotes: the median and the 95th percentile of its timings."""
import statistics


def median_p95(timings) -> tuple[float, float]:
    """(median, p95) of the timings; the p95 is the nearest rank at or below 95 %."""
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]
