namespace Forwarder.Ipvsadm.Execution;

/// <summary>One run of ipvsadm: its arguments (without the program name) and what it would read on stdin (-R only).</summary>
public sealed record IpvsadmInvocation(IReadOnlyList<string> Arguments, string StandardInput = "");
