namespace Forwarder.Keepalived.Configuration;

/// <summary>A line keepalived would report and then carry on from: an unknown keyword, a bad value, something this director does not do.</summary>
public sealed record ConfigDiagnostic(ConfigPosition Position, string Message)
{
    public override string ToString() => $"{Position} {Message}";
}
