namespace Forwarder.Monitoring;

/// <summary>A series' label values, compared by content, so a set of them can say which series a scrape has seen.</summary>
internal sealed class LabelValues(string[] values) : IEquatable<LabelValues>
{
    public string[] Values { get; } = values;

    public bool Equals(LabelValues? other) => other is not null && Values.AsSpan().SequenceEqual(other.Values);

    public override bool Equals(object? obj) => Equals(obj as LabelValues);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var value in Values)
        {
            hash.Add(value, StringComparer.Ordinal);
        }
        return hash.ToHashCode();
    }
}
