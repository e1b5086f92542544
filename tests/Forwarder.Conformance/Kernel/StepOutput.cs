namespace Forwarder.Conformance.Kernel;

/// <summary>What one compared step printed: ipvsadm's stdout, stderr and exit status.</summary>
public sealed record StepOutput(string StandardOutput, string StandardError, int ExitStatus)
{
    public override string ToString() =>
        $"exit {ExitStatus}\n--- stdout\n{StandardOutput}--- stderr\n{StandardError}";
}
