using CommandLine;

namespace Forwarder.Commands;

/// <summary><c>forwarder vip</c>'s command line.</summary>
[Verb("vip", HelpText = "Take, release or list the addresses the running director owns (answers ARP for, forwards for): keepalived's notify scripts call it.")]
public sealed class VipOptions
{
    [Value(0, MetaName = "ACTION", Required = true, HelpText = "take, release or list.")]
    public string Action { get; set; } = string.Empty;

    [Value(1, MetaName = "ADDRESS", HelpText = "The virtual addresses (and, in NAT mode, the real servers' gateway address) to take or release.")]
    public IEnumerable<string> Addresses { get; set; } = [];

    [Option("socket", HelpText = "The director's control socket (default /run/forwarder/forwarder.sock, or $FORWARDER_SOCKET).")]
    public string? Socket { get; set; }
}
