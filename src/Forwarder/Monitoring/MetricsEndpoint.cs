using System.Globalization;
using System.Net;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Listing;
using Prometheus;

namespace Forwarder.Monitoring;

/// <summary>
/// <c>--metrics ADDRESS:PORT</c>: Prometheus' text exposition at <c>http://ADDRESS:PORT/metrics</c>, served by
/// prometheus-net's stand-alone listener. The IPVS figures carry node_exporter's ipvs collector names, HELP texts,
/// types and labels (collector/ipvs_linux.go), so dashboards and alerts written for a kernel director read this
/// one unchanged; the director's own figures are <c>forwarder_*</c>. Values come from one snapshot per scrape
/// (at most one a second from the engine, see <see cref="EngineSnapshots"/>): nothing is counted per packet here.
/// </summary>
public sealed class MetricsEndpoint : IDisposable
{
    /// <summary>How long a scrape waits for the engine before it serves the last values it had.</summary>
    public static readonly TimeSpan SnapshotTimeout = TimeSpan.FromSeconds(5);

    private static readonly string[] BackendLabels = ["local_address", "local_port", "remote_address", "remote_port", "proto", "local_mark"];
    private static readonly FrameOutcome[] Outcomes = Enum.GetValues<FrameOutcome>();

    private readonly EngineSnapshots _snapshots;
    private readonly MetricServer _server;
    private readonly Lock _updating = new();

    private readonly CounterSeries _connections;
    private readonly CounterSeries _incomingPackets;
    private readonly CounterSeries _outgoingPackets;
    private readonly CounterSeries _incomingBytes;
    private readonly CounterSeries _outgoingBytes;
    private readonly GaugeSeries _backendActive;
    private readonly GaugeSeries _backendInactive;
    private readonly GaugeSeries _backendWeight;

    private readonly CounterSeries _framesIn;
    private readonly CounterSeries _framesOut;
    private readonly CounterSeries _frames;
    private readonly GaugeSeries _tableEntries;
    private readonly GaugeSeries _tableLimit;
    private readonly CounterSeries _evicted;
    private readonly CounterSeries _refused;
    private readonly CounterSeries _arpRequests;
    private readonly CounterSeries _arpDrops;
    private readonly CounterSeries _interfaceReceived;
    private readonly CounterSeries _interfaceSent;
    private readonly CounterSeries _interfaceSendFailures;
    private readonly CounterSeries _pcapReceived;
    private readonly CounterSeries _pcapDropped;
    private readonly CounterSeries _pcapInterfaceDropped;

    public MetricsEndpoint(MetricsAddress address, EngineSnapshots snapshots)
    {
        Address = address;
        _snapshots = snapshots;
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);

        _connections = new(factory, "node_ipvs_connections_total", "The total number of connections made.");
        _incomingPackets = new(factory, "node_ipvs_incoming_packets_total", "The total number of incoming packets.");
        _outgoingPackets = new(factory, "node_ipvs_outgoing_packets_total", "The total number of outgoing packets.");
        _incomingBytes = new(factory, "node_ipvs_incoming_bytes_total", "The total amount of incoming data.");
        _outgoingBytes = new(factory, "node_ipvs_outgoing_bytes_total", "The total amount of outgoing data.");
        _backendActive = new(factory, "node_ipvs_backend_connections_active", "The current active connections by local and remote address.", BackendLabels);
        _backendInactive = new(factory, "node_ipvs_backend_connections_inactive", "The current inactive connections by local and remote address.", BackendLabels);
        _backendWeight = new(factory, "node_ipvs_backend_weight", "The current backend weight by local and remote address.", BackendLabels);

        _framesIn = new(factory, "forwarder_frames_received_total", "Frames the engine processed (the counters file's frames-in).");
        _framesOut = new(factory, "forwarder_frames_sent_total", "Frames the engine sent (frames-out).");
        _frames = new(factory, "forwarder_frames_total", "Frames by what the engine did with them: Forwarded, Answered, Queued, NotOurs, NotOursIpv6, NotOursUnowned, or the drop reason (Dropped...).", "outcome");
        _tableEntries = new(factory, "forwarder_connections", "Entries in the connection table, persistence templates included.");
        _tableLimit = new(factory, "forwarder_connections_max", "The connection table's bound (--max-connections).");
        _evicted = new(factory, "forwarder_connections_evicted_embryonic_total", "Half-open TCP entries evicted to admit new flows into a full table.");
        _refused = new(factory, "forwarder_connections_refused_full_total", "New flows refused because the table was full of established entries.");
        _arpRequests = new(factory, "forwarder_arp_requests_total", "ARP requests the director sent.");
        _arpDrops = new(factory, "forwarder_arp_unresolved_drops_total", "Frames dropped because their next hop's MAC was not resolved in time.");
        _interfaceReceived = new(factory, "forwarder_interface_received_frames_total", "Frames the director read from the interface.", "interface");
        _interfaceSent = new(factory, "forwarder_interface_sent_frames_total", "Frames the director injected on the interface.", "interface");
        _interfaceSendFailures = new(factory, "forwarder_interface_send_failures_total", "Frames libpcap failed to inject.", "interface");
        _pcapReceived = new(factory, "forwarder_pcap_received_total", "Frames the kernel's capture filter passed (pcap_stats ps_recv; 32 bits, wraps).", "interface");
        _pcapDropped = new(factory, "forwarder_pcap_dropped_total", "Frames dropped because libpcap's ring was full (pcap_stats ps_drop; 32 bits, wraps).", "interface");
        _pcapInterfaceDropped = new(factory, "forwarder_pcap_interface_dropped_total", "Frames the interface itself dropped (pcap_stats ps_ifdrop).", "interface");

        Registry.AddBeforeCollectCallback(RefreshAsync);
        _server = new MetricServer(address.PrefixHost, address.Port, "metrics/", Registry);
    }

    public MetricsAddress Address { get; }

    public CollectorRegistry Registry { get; }

    /// <summary>Starts listening.</summary>
    /// <exception cref="IOException">The address cannot be listened on (in use, not this host's), with the reason.</exception>
    public void Start()
    {
        try
        {
            _server.Start();
        }
        catch (HttpListenerException refused)
        {
            throw new IOException($"--metrics {Address}: cannot listen there ({refused.Message})", refused);
        }
    }

    public void Dispose() => _server.Dispose();

    /// <summary>Copies one snapshot into the series. Public so a caller (a test, a one-shot export) can update without HTTP.</summary>
    public void Update(DirectorSnapshot snapshot)
    {
        lock (_updating)
        {
            _connections.Set(snapshot.Totals.Connections);
            _incomingPackets.Set(snapshot.Totals.InPackets);
            _outgoingPackets.Set(snapshot.Totals.OutPackets);
            _incomingBytes.Set(snapshot.Totals.InBytes);
            _outgoingBytes.Set(snapshot.Totals.OutBytes);
            foreach (var service in snapshot.Services)
            {
                foreach (var destination in service.Destinations)
                {
                    // As node_exporter reads /proc/net/ip_vs: the service's address and port, or for a firewall-mark service
                    // no address, port 0, proto FWM and local_mark the mark as that file prints it (eight hex digits).
                    string[] labels = service.FirewallMark != 0
                        ? ["", "0", destination.Address.ToString(), Number(destination.Port), "FWM",
                            service.FirewallMark.ToString("X8", System.Globalization.CultureInfo.InvariantCulture)]
                        : [service.Address.ToString(), Number(service.Port), destination.Address.ToString(),
                            Number(destination.Port), ConnectionNames.Protocol((byte)service.Protocol), ""];
                    _backendActive.Set(destination.ActiveConnections, labels);
                    _backendInactive.Set(destination.InactiveConnections, labels);
                    _backendWeight.Set(destination.Weight, labels);
                }
            }
            _backendActive.RemoveUntouched();
            _backendInactive.RemoveUntouched();
            _backendWeight.RemoveUntouched();

            _framesIn.Set(snapshot.FramesIn);
            _framesOut.Set(snapshot.FramesOut);
            foreach (var outcome in Outcomes)
            {
                _frames.Set(snapshot.Outcomes[(int)outcome], outcome.ToString());
            }
            _tableEntries.Set(snapshot.Connections);
            _tableLimit.Set(snapshot.ConnectionLimit);
            _evicted.Set(snapshot.ConnectionsEvictedEmbryonic);
            _refused.Set(snapshot.ConnectionsRefusedFull);
            _arpRequests.Set(snapshot.ArpRequests);
            _arpDrops.Set(snapshot.ArpUnresolvedDrops);
            foreach (var port in snapshot.Interfaces)
            {
                _interfaceReceived.Set(port.Received, port.Name);
                _interfaceSent.Set(port.Sent, port.Name);
                _interfaceSendFailures.Set(port.SendFailures, port.Name);
                _pcapReceived.Set(port.PcapReceived, port.Name);
                _pcapDropped.Set(port.PcapDropped, port.Name);
                _pcapInterfaceDropped.Set(port.InterfaceDropped, port.Name);
            }
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SnapshotTimeout);
        try
        {
            Update(await _snapshots.LatestAsync(timeout.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // The engine did not answer in time, or is stopping: the scrape gets the last values it had.
        }
    }

    private static string Number(ushort value) => value.ToString(CultureInfo.InvariantCulture);
}
