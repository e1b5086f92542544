using Prometheus;

namespace Forwarder.Monitoring;

/// <summary>
/// One Prometheus counter family whose values are copied from the director's own counters at each scrape, rather
/// than counted here. A value lower than the last (ipvsadm -Z zeroed it) starts the series again from that value,
/// which Prometheus reads as a counter reset; a label set the snapshot no longer has (a deleted real server)
/// leaves the exposition.
/// </summary>
internal sealed class CounterSeries
{
    private readonly Counter _family;
    private HashSet<LabelValues> _published = [];
    private HashSet<LabelValues> _touched = [];

    public CounterSeries(MetricFactory factory, string name, string help, params string[] labelNames)
    {
        _family = factory.CreateCounter(name, help, labelNames);
    }

    public void Set(double value, params string[] labels)
    {
        var child = _family.WithLabels(labels);
        if (value < child.Value)
        {
            _family.RemoveLabelled(labels);
            child = _family.WithLabels(labels);
        }
        child.IncTo(value);
        _touched.Add(new LabelValues(labels));
    }

    /// <summary>Ends one update: the label sets not set since the last call are removed.</summary>
    public void RemoveUntouched()
    {
        foreach (var stale in _published.Where(labels => !_touched.Contains(labels)))
        {
            _family.RemoveLabelled(stale.Values);
        }
        (_published, _touched) = (_touched, _published);
        _touched.Clear();
    }
}
