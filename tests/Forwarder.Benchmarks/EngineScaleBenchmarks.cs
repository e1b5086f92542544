using System.Buffers.Binary;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Benchmarks;

/// <summary>
/// The engine at scale (issue 10, item 5): a million concurrent flows, so the connection lookups miss the
/// caches as a busy director's do; and ten thousand virtual services, so the service lookup and each
/// service's scheduler are reached at random. Per frame, as <see cref="EngineBenchmarks"/>: Mean is the time
/// per frame and Allocated the bytes per frame.
/// </summary>
[Config(typeof(FrameConfig))]
[MemoryDiagnoser]
public class EngineScaleBenchmarks
{
    /// <summary>1,000 client addresses × 1,000 source ports.</summary>
    public const int MillionFlows = 1_000_000;

    /// <summary>100 virtual addresses × 100 ports, each service rr over the same three real servers.</summary>
    public const int Services = 10_000;

    private EngineLab _millionLab = null!;
    private byte[][] _millionFrames = [];

    private EngineLab _servicesNewFlowsLab = null!;
    private byte[][] _servicesSyns = [];

    private EngineLab _servicesEstablishedLab = null!;
    private byte[][] _servicesData = [];

    [GlobalSetup(Target = nameof(MillionFlowsClientToServer))]
    public void SetupMillionFlows()
    {
        _millionLab = EngineLab.Create();
        var lab = _millionLab;
        var flows = new Flow[MillionFlows];
        for (var i = 0; i < flows.Length; i++)
        {
            flows[i] = new Flow(EngineLab.FirstClientAddress + (uint)(i % 1000), (ushort)(10_000 + (i / 1000)), EngineLab.VirtualAddress.Value, EngineLab.VirtualPort);
        }
        // SYN, then the client's ACK (SYN_RECV → ESTABLISHED, as IPVS's input table), off the clock.
        lab.ProcessAll(Frames(lab, flows, syn: true), lab.PublicIndex);
        new Random(2).Shuffle(flows);
        _millionFrames = Frames(lab, flows, syn: false);
        lab.ProcessAll(_millionFrames, lab.PublicIndex);
    }

    [GlobalSetup(Target = nameof(TenThousandServicesNewFlows))]
    public void SetupServicesNewFlows()
    {
        _servicesNewFlowsLab = CreateServicesLab();
        var lab = _servicesNewFlowsLab;
        _servicesSyns = Frames(lab, ServiceFlows(seed: 1), syn: true);
        lab.ProcessAll(_servicesSyns, lab.PublicIndex);
        lab.ClearConnections();
        // Warm to tier 1 off the clock, as EngineBenchmarks.SetupNewFlows does (one invocation per iteration).
        var until = Stopwatch.GetTimestamp() + (2 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            EngineBenchmarks.Send(lab, _servicesSyns, lab.PublicIndex);
            lab.ClearConnections();
        }
    }

    [IterationSetup(Target = nameof(TenThousandServicesNewFlows))]
    public void ResetServicesTable() => _servicesNewFlowsLab.ClearConnections();

    [GlobalSetup(Target = nameof(TenThousandServicesClientToServer))]
    public void SetupServicesEstablished()
    {
        _servicesEstablishedLab = CreateServicesLab();
        var lab = _servicesEstablishedLab;
        lab.ProcessAll(Frames(lab, ServiceFlows(seed: 1), syn: true), lab.PublicIndex);
        _servicesData = Frames(lab, ServiceFlows(seed: 2), syn: false);
        lab.ProcessAll(_servicesData, lab.PublicIndex);
    }

    /// <summary>An ACK+data segment of each of 1,000,000 established NAT connections, in shuffled order: cache-cold lookups.</summary>
    [Benchmark(OperationsPerInvoke = MillionFlows)]
    public int MillionFlowsClientToServer() => EngineBenchmarks.Send(_millionLab, _millionFrames, _millionLab.PublicIndex);

    /// <summary>A SYN to each of 10,000 services: service lookup among 10,000, that service's rr, insert, NAT.</summary>
    [Benchmark(OperationsPerInvoke = Services)]
    public int TenThousandServicesNewFlows() => EngineBenchmarks.Send(_servicesNewFlowsLab, _servicesSyns, _servicesNewFlowsLab.PublicIndex);

    /// <summary>An ACK+data segment of one established connection per service, 10,000 services, shuffled.</summary>
    [Benchmark(OperationsPerInvoke = Services)]
    public int TenThousandServicesClientToServer() => EngineBenchmarks.Send(_servicesEstablishedLab, _servicesData, _servicesEstablishedLab.PublicIndex);

    private static EngineLab CreateServicesLab()
    {
        var lab = EngineLab.Create();
        foreach (var flow in ServiceFlows(seed: 0))
        {
            var key = new ServiceKey(IpProtocol.Tcp, flow.VirtualAddress, flow.VirtualPort);
            if (lab.Services.TryGet(key, out _))
            {
                continue;
            }
            lab.Services.AddService(new ServiceSpec(key, "rr"));
            foreach (var server in EngineLab.RealServers.Reverse())
            {
                lab.Services.AddDestination(key, new DestinationSpec(server, 8080, ForwardingMethod.Masquerade));
            }
        }
        return lab;
    }

    /// <summary>One client per service, the services on 10.200.0.0–10.200.0.99, ports 1000–1099.</summary>
    private static Flow[] ServiceFlows(int seed)
    {
        var flows = new Flow[Services];
        for (var i = 0; i < flows.Length; i++)
        {
            flows[i] = new Flow(EngineLab.FirstClientAddress + (uint)i, 40_000, Ipv4Address.Parse("10.200.0.0").Value + (uint)(i % 100), (ushort)(1000 + (i / 100)));
        }
        new Random(seed).Shuffle(flows);
        return flows;
    }

    /// <summary>One template frame from PacketDotNet, patched per flow with RFC 1624 checksum updates.</summary>
    private static byte[][] Frames(EngineLab lab, Flow[] flows, bool syn)
    {
        var template = lab.ClientFrame((EngineLab.FirstClientAddress, EngineLab.FirstClientPort), syn, ack: !syn, payloadBytes: syn ? 0 : EngineLab.PayloadBytes);
        var frames = new byte[flows.Length][];
        for (var i = 0; i < flows.Length; i++)
        {
            frames[i] = Patch(template, flows[i]);
        }
        return frames;
    }

    private static byte[] Patch(byte[] template, in Flow flow)
    {
        var frame = (byte[])template.Clone();
        var ip = frame.AsSpan(FrameLayout.EthernetHeaderLength);
        var tcp = ip[FrameLayout.Ipv4MinimumHeaderLength..];
        var ipChecksum = BinaryPrimitives.ReadUInt16BigEndian(ip[FrameLayout.Ipv4Checksum..]);
        var tcpChecksum = BinaryPrimitives.ReadUInt16BigEndian(tcp[FrameLayout.TcpChecksum..]);
        Replace32(ip[FrameLayout.Ipv4Source..], flow.ClientAddress, ref ipChecksum, ref tcpChecksum);
        Replace32(ip[FrameLayout.Ipv4Destination..], flow.VirtualAddress, ref ipChecksum, ref tcpChecksum);
        Replace16(tcp[FrameLayout.SourcePort..], flow.ClientPort, ref tcpChecksum);
        Replace16(tcp[FrameLayout.DestinationPort..], flow.VirtualPort, ref tcpChecksum);
        BinaryPrimitives.WriteUInt16BigEndian(ip[FrameLayout.Ipv4Checksum..], ipChecksum);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[FrameLayout.TcpChecksum..], tcpChecksum);
        return frame;
    }

    private static void Replace32(Span<byte> field, uint value, ref ushort ipChecksum, ref ushort tcpChecksum)
    {
        var old = BinaryPrimitives.ReadUInt32BigEndian(field);
        ipChecksum = InternetChecksum.Update32(ipChecksum, old, value);
        tcpChecksum = InternetChecksum.Update32(tcpChecksum, old, value);
        BinaryPrimitives.WriteUInt32BigEndian(field, value);
    }

    private static void Replace16(Span<byte> field, ushort value, ref ushort tcpChecksum)
    {
        tcpChecksum = InternetChecksum.Update16(tcpChecksum, BinaryPrimitives.ReadUInt16BigEndian(field), value);
        BinaryPrimitives.WriteUInt16BigEndian(field, value);
    }

    private readonly record struct Flow(uint ClientAddress, ushort ClientPort, uint VirtualAddress, ushort VirtualPort);
}
