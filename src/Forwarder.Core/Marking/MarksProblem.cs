namespace Forwarder.Core.Marking;

/// <summary>A line of a marks file that was not taken (or taken only in part): its line and why.</summary>
public sealed record MarksProblem(int LineNumber, string Reason)
{
    public override string ToString() => $"line {LineNumber}: {Reason}";
}
