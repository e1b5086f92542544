namespace Forwarder.Ipvsadm.Execution;

/// <summary>What an ipvsadm run leaves behind: its exit status and everything it printed on each stream.</summary>
public sealed record IpvsadmResult(int ExitCode, string StandardOutput, string StandardError)
{
    public static IpvsadmResult Failure(int exitCode, string standardError) => new(exitCode, string.Empty, standardError);
}
