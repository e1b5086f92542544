namespace Forwarder.Core.Engine;

/// <summary>What a restore from a state file did with each entry it was given.</summary>
public sealed record ConnectionRestoreReport(int Connections, int Templates, int DroppedNoDestination, int Expired, int RefusedFull)
{
    public int Dropped => DroppedNoDestination + Expired + RefusedFull;
}
