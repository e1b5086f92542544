namespace Forwarder.Core.Topology;

/// <summary>A topology line that is taken but is surely not what was meant: its line and why.</summary>
public sealed record TopologyWarning(int LineNumber, string Reason)
{
    public override string ToString() => $"line {LineNumber}: {Reason}";
}
