using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;

namespace Forwarder.Benchmarks;

/// <summary>
/// The engine alone on in-memory frames, over <see cref="EngineLab.Flows"/> concurrent flows to one NAT
/// service. Every invocation sends a batch of frames (one per flow) and BenchmarkDotNet reports per frame
/// (OperationsPerInvoke), so Mean is the time per frame and Allocated the bytes per frame. The Ipv6 cases are the
/// same traffic over IPv6 (<see cref="EngineLab.Create"/> with <c>ipv6</c>).
/// </summary>
[Config(typeof(FrameConfig))]
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private const int FramesPerInvoke = EngineLab.Flows;

    private EngineLab _newFlowsLab = null!;
    private byte[][] _syns = [];

    private EngineLab _establishedLab = null!;
    private byte[][] _clientToServer = [];
    private byte[][] _serverToClient = [];

    [GlobalSetup(Target = nameof(NewFlows))]
    public void SetupNewFlows() => SetupNewFlows(ipv6: false);

    internal void SetupNewFlows(bool ipv6)
    {
        _newFlowsLab = EngineLab.Create(ipv6: ipv6);
        var lab = _newFlowsLab;
        _syns = EngineLab.ShuffledClients(seed: 1).Select(c => lab.ClientFrame(c, syn: true, ack: false, payloadBytes: 0)).ToArray();
        // One pass off the clock grows the table's arrays to their working size, then empties it.
        lab.ProcessAll(_syns, lab.PublicIndex);
        lab.ClearConnections();
        // With an IterationSetup BenchmarkDotNet runs one invocation (10,000 SYNs, a few ms) per iteration, and
        // a short job's few warmups would measure tier-0 code (which also allocates where tier 1 does not):
        // warm the path to tier 1 here, off the clock, as a running director would be.
        var until = Stopwatch.GetTimestamp() + (2 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            Send(lab, _syns, lab.PublicIndex);
            lab.ClearConnections();
        }
    }

    /// <summary>Before each iteration of <see cref="NewFlows"/>: an empty table, so every SYN opens a connection.</summary>
    [IterationSetup(Targets = [nameof(NewFlows), nameof(Ipv6NewFlows)])]
    public void ResetTable() => _newFlowsLab.ClearConnections();

    [GlobalSetup(Targets = [nameof(EstablishedClientToServer), nameof(EstablishedServerToClient)])]
    public void SetupEstablished() => SetupEstablished(ipv6: false);

    [GlobalSetup(Target = nameof(Ipv6NewFlows))]
    public void SetupIpv6NewFlows() => SetupNewFlows(ipv6: true);

    [GlobalSetup(Targets = [nameof(Ipv6EstablishedClientToServer), nameof(Ipv6EstablishedServerToClient)])]
    public void SetupIpv6Established() => SetupEstablished(ipv6: true);

    internal void SetupEstablished(bool ipv6)
    {
        _establishedLab = EngineLab.Create(ipv6: ipv6);
        var lab = _establishedLab;
        var clients = EngineLab.ShuffledClients(seed: 1);
        // The three-way handshake of every flow: SYN in, SYN-ACK back, ACK in, so each is ESTABLISHED.
        lab.ProcessAll(clients.Select(c => lab.ClientFrame(c, syn: true, ack: false, payloadBytes: 0)).ToArray(), lab.PublicIndex);
        lab.ProcessAll(clients.Select(c => lab.ServerFrame(ConnectionOf(lab, c), syn: true, ack: true, payloadBytes: 0)).ToArray(), lab.PrivateIndex);
        lab.ProcessAll(clients.Select(c => lab.ClientFrame(c, syn: false, ack: true, payloadBytes: 0)).ToArray(), lab.PublicIndex);
        foreach (var client in clients)
        {
            if (ConnectionOf(lab, client).State != TcpState.Established)
            {
                throw new InvalidOperationException("a flow did not reach ESTABLISHED in setup");
            }
        }

        // The measured traffic comes in another order than the connections were opened (slot order),
        // so entries are reached at random as with real flows.
        var order = EngineLab.ShuffledClients(seed: 2);
        _clientToServer = order.Select(c => lab.ClientFrame(c, syn: false, ack: true, payloadBytes: EngineLab.PayloadBytes)).ToArray();
        _serverToClient = order.Select(c => lab.ServerFrame(ConnectionOf(lab, c), syn: false, ack: true, payloadBytes: EngineLab.PayloadBytes)).ToArray();
    }

    /// <summary>A SYN from each of the 10,000 clients: lookup miss, service lookup, rr, next hops, table insert, NAT.</summary>
    [Benchmark(OperationsPerInvoke = FramesPerInvoke)]
    public int NewFlows() => Send(_newFlowsLab, _syns, _newFlowsLab.PublicIndex);

    /// <summary>An ACK+data segment of each established connection, client to real server (DNAT).</summary>
    [Benchmark(OperationsPerInvoke = FramesPerInvoke)]
    public int EstablishedClientToServer() => Send(_establishedLab, _clientToServer, _establishedLab.PublicIndex);

    /// <summary>The real server's ACK+data segment of each established connection back to the client (reverse NAT).</summary>
    [Benchmark(OperationsPerInvoke = FramesPerInvoke)]
    public int EstablishedServerToClient() => Send(_establishedLab, _serverToClient, _establishedLab.PrivateIndex);

    /// <summary>As <see cref="NewFlows"/>, over IPv6.</summary>
    [Benchmark(OperationsPerInvoke = FramesPerInvoke)]
    public int Ipv6NewFlows() => Send(_newFlowsLab, _syns, _newFlowsLab.PublicIndex);

    /// <summary>As <see cref="EstablishedClientToServer"/>, over IPv6.</summary>
    [Benchmark(OperationsPerInvoke = FramesPerInvoke)]
    public int Ipv6EstablishedClientToServer() => Send(_establishedLab, _clientToServer, _establishedLab.PublicIndex);

    /// <summary>As <see cref="EstablishedServerToClient"/>, over IPv6.</summary>
    [Benchmark(OperationsPerInvoke = FramesPerInvoke)]
    public int Ipv6EstablishedServerToClient() => Send(_establishedLab, _serverToClient, _establishedLab.PrivateIndex);

    /// <summary>
    /// The measured loop, as the live loop drives the engine: frames in groups of <see cref="DirectorEngine.GroupSize"/>,
    /// each group's lookups hinted (<see cref="DirectorEngine.HintGroup"/>) before its frames are processed, each frame
    /// a microsecond after the last, the output batch sent (cleared) every <see cref="EngineLab.BatchFrames"/> frames.
    /// </summary>
    internal static int Send(EngineLab lab, byte[][] frames, int interfaceIndex)
    {
        var engine = lab.Engine;
        var output = lab.Output;
        var now = lab.Now;
        var forwarded = 0;
        Span<int> lengths = stackalloc int[DirectorEngine.GroupSize];
        for (var start = 0; start < frames.Length; start += EngineLab.BatchFrames)
        {
            var end = Math.Min(start + EngineLab.BatchFrames, frames.Length);
            for (var group = start; group < end; group += DirectorEngine.GroupSize)
            {
                var count = Math.Min(DirectorEngine.GroupSize, end - group);
                for (var i = 0; i < count; i++)
                {
                    lengths[i] = frames[group + i].Length;
                }
                engine.HintGroup(frames.AsSpan(group, count), lengths, count, interfaceIndex);
                for (var i = group; i < group + count; i++)
                {
                    now += EngineLab.MicrosecondsPerFrame;
                    if (engine.Process(frames[i], interfaceIndex, now, output) == FrameOutcome.Forwarded)
                    {
                        forwarded++;
                    }
                }
            }
            output.Clear();
        }
        lab.Now = now;
        return forwarded;
    }

    private static Connection ConnectionOf(EngineLab lab, (uint Address, ushort Port) client)
    {
        var slot = lab.Connections.FindByClient(6, lab.ClientAddressOf(client.Address), client.Port, lab.Vip, EngineLab.VirtualPort, lab.Now);
        return slot >= 0 ? lab.Connections[slot] : throw new InvalidOperationException("no connection for a client in setup");
    }
}
