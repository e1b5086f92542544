using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Grammar;

/// <summary>One parsed and checked ipvsadm command line: what to do and with which settings.</summary>
public sealed record IpvsadmCommand(IpvsadmCommandKind Kind)
{
    /// <summary>The service named by -t/-u/--sctp-service, when one is.</summary>
    public ServiceKey? Service { get; init; }

    /// <summary>-A/-E settings (scheduler, persistence).</summary>
    public ServiceSpec? ServiceSettings { get; init; }

    /// <summary>-a/-e/-d settings (real server, method, weight, thresholds).</summary>
    public DestinationSpec? Destination { get; init; }

    /// <summary>--start-daemon/--stop-daemon and their options.</summary>
    public SyncDaemonRequest? Daemon { get; init; }

    public ListingFlags Listing { get; init; }

    /// <summary>--set TCP TCPFIN UDP, in seconds (0 leaves one unchanged).</summary>
    public (int Tcp, int TcpFin, int Udp)? Timeouts { get; init; }
}
