using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;

namespace Forwarder.Benchmarks;

/// <summary>
/// Two measurements that are not timings: what a connection costs in memory at the table's full size,
/// and how the director behaves under a SYN flood larger than its table.
/// dotnet run -c Release --project tests/Forwarder.Benchmarks -- memory | flood
/// </summary>
internal static class MemoryAndFloodHarness
{
    public static int Memory()
    {
        const int Count = ConnectionTable.DefaultMaximum;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var table = new ConnectionTable(new ConnectionTimeouts(), Count);
        var services = new ServiceTable(SchedulerRegistry.Create);
        var key = new ServiceKey(IpProtocol.Udp, Ipv4Address.Parse("192.168.1.199").Value, 53);
        var service = services.AddService(new ServiceSpec(key, "rr"));
        var server = services.AddDestination(key, new DestinationSpec(Ipv4Address.Parse("192.168.139.252"), 53, ForwardingMethod.Masquerade));
        for (var i = 0; i < Count; i++)
        {
            var connection = new Connection
            {
                Protocol = (byte)IpProtocol.Udp,
                ClientAddress = 0x0A00_0000u + (uint)(i >> 8),
                ClientPort = (ushort)(1024 + (i & 0xFF)),
                VirtualAddress = key.Address,
                VirtualPort = 53,
                DestinationAddress = server.Address,
                DestinationPort = 53,
                Method = ForwardingMethod.Masquerade,
                Destination = server,
            };
            if (table.Add(connection, 1_700_000_000_000_000) < 0)
            {
                throw new InvalidOperationException($"connection {i} refused");
            }
        }
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(table);
        GC.KeepAlive(service);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"connections {table.Count:N0}; managed memory {(after - before) / 1048576.0:F1} MiB; {(double)(after - before) / table.Count:F1} bytes per connection (entry {ConnectionTable.EntryBytes} B incl. its index share)"));
        return 0;
    }

    public static int Flood()
    {
        const int Maximum = 20_000;
        const int SynFlood = 1_000_000;
        const int SynsPerEstablishedFrame = 20;
        var lab = EngineLab.Create(Maximum);
        var clients = EngineLab.ShuffledClients(seed: 7);
        lab.ProcessAll(clients.Select(c => lab.ClientFrame(c, syn: true, ack: false, 0)).ToArray(), lab.PublicIndex);
        var opened = lab.Connections.Slots().Select(s => lab.Connections[s]).ToArray();
        lab.ProcessAll(opened.Select(c => lab.ServerFrame(c, syn: true, ack: true, 0)).ToArray(), lab.PrivateIndex);
        var established = clients.Select(c => lab.ClientFrame(c, syn: false, ack: true, EngineLab.PayloadBytes)).ToArray();
        lab.ProcessAll(established, lab.PublicIndex);

        var syn = lab.ClientFrame((0x0A00_0001, 1024), syn: true, ack: false, 0);
        var outcomes = new Dictionary<FrameOutcome, long>();
        long establishedSent = 0, establishedForwarded = 0;
        var maximumSeen = 0;
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < SynFlood; i++)
        {
            // A spoofed source per SYN: address and port from the counter, checksums kept right.
            var source = 0x0A00_0000u + (uint)(i >> 6);
            var port = (ushort)(1024 + (i & 63));
            SetSource(syn, source, port);
            lab.Now += EngineLab.MicrosecondsPerFrame;
            var outcome = lab.Engine.Process(syn, lab.PublicIndex, lab.Now, lab.Output);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            if (i % SynsPerEstablishedFrame == 0)
            {
                establishedSent++;
                if (lab.Engine.Process(established[(int)(establishedSent % established.Length)], lab.PublicIndex, lab.Now, lab.Output) == FrameOutcome.Forwarded)
                {
                    establishedForwarded++;
                }
            }
            maximumSeen = Math.Max(maximumSeen, lab.Connections.Count);
            lab.Output.Clear();
        }
        clock.Stop();
        var memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"table maximum {Maximum:N0}; {clients.Length:N0} established flows; {SynFlood:N0} spoofed SYNs in {clock.Elapsed.TotalSeconds:F2} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"established frames forwarded during the flood: {establishedForwarded:N0} of {establishedSent:N0}"));
        foreach (var (outcome, count) in outcomes.OrderBy(o => o.Key))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SYN outcome {outcome}: {count:N0}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"evicted embryonic {lab.Connections.EvictedEmbryonic:N0}; refused (table full) {lab.Connections.RefusedFull:N0}; table peak {maximumSeen:N0}; managed memory change {(memoryAfter - memoryBefore) / 1024.0:F0} KiB"));
        return establishedForwarded == establishedSent ? 0 : 1;
    }

    private static void SetSource(byte[] frame, uint source, ushort port)
    {
        var ip = frame.AsSpan(FrameLayout.EthernetHeaderLength);
        var tcp = ip[20..];
        var oldSource = BinaryPrimitives.ReadUInt32BigEndian(ip[FrameLayout.Ipv4Source..]);
        var oldPort = BinaryPrimitives.ReadUInt16BigEndian(tcp);
        BinaryPrimitives.WriteUInt32BigEndian(ip[FrameLayout.Ipv4Source..], source);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, port);
        var ipChecksum = BinaryPrimitives.ReadUInt16BigEndian(ip[FrameLayout.Ipv4Checksum..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[FrameLayout.Ipv4Checksum..], InternetChecksum.Update32(ipChecksum, oldSource, source));
        var tcpChecksum = BinaryPrimitives.ReadUInt16BigEndian(tcp[FrameLayout.TcpChecksum..]);
        tcpChecksum = InternetChecksum.Update32(tcpChecksum, oldSource, source);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[FrameLayout.TcpChecksum..], InternetChecksum.Update16(tcpChecksum, oldPort, port));
    }
}
