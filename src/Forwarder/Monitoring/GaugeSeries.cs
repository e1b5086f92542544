using Prometheus;

namespace Forwarder.Monitoring;

/// <summary>One Prometheus gauge family set from a snapshot; label sets the snapshot no longer has leave the exposition.</summary>
internal sealed class GaugeSeries
{
    private readonly Gauge _family;
    private HashSet<LabelValues> _published = [];
    private HashSet<LabelValues> _touched = [];

    public GaugeSeries(MetricFactory factory, string name, string help, params string[] labelNames)
    {
        _family = factory.CreateGauge(name, help, labelNames);
    }

    public void Set(double value, params string[] labels)
    {
        _family.WithLabels(labels).Set(value);
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
