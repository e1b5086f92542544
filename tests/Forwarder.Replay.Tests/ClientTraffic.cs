using System.Net;
using System.Net.NetworkInformation;
using Forwarder.Capture.Files;
using PacketDotNet;

namespace Forwarder.Replay.Tests;

/// <summary>
/// Frames from the seed's client (192.168.1.106) to the virtual address 192.168.1.199 as they arrive on the
/// director's public link, each at a time in seconds from a fixed start, written as one capture.
/// </summary>
public static class ClientTraffic
{
    /// <summary>The capture's first moment, µs since the epoch (the seed's 2017-06-07 22:44:44 UTC).</summary>
    public const long Start = 1_496_875_484_000_000;

    public const string VirtualAddress = "192.168.1.199";

    private static readonly PhysicalAddress ClientMac = PhysicalAddress.Parse("02-00-00-00-01-6A");
    private static readonly PhysicalAddress DirectorMac = PhysicalAddress.Parse("02-00-00-00-01-71");
    private static readonly IPAddress Client = IPAddress.Parse("192.168.1.106");

    /// <summary>A TCP SYN to port 80 from client port <paramref name="clientPort"/>.</summary>
    public static (double Seconds, byte[] Frame) Syn(double seconds, ushort clientPort)
    {
        var tcp = new TcpPacket(clientPort, 80) { SequenceNumber = 1000u + clientPort, Synchronize = true, WindowSize = 64240 };
        return (seconds, Frame(tcp, ProtocolType.Tcp));
    }

    /// <summary>A UDP datagram to port 53 from client port <paramref name="clientPort"/>.</summary>
    public static (double Seconds, byte[] Frame) Datagram(double seconds, ushort clientPort)
    {
        var udp = new UdpPacket(clientPort, 53) { PayloadData = [1, 2, 3, 4] };
        return (seconds, Frame(udp, ProtocolType.Udp));
    }

    /// <summary>SYNs from consecutive client ports, one at each of the given times.</summary>
    public static IEnumerable<(double Seconds, byte[] Frame)> Syns(ushort firstPort, params double[] times) =>
        times.Select((seconds, i) => Syn(seconds, (ushort)(firstPort + i)));

    public static void Write(string path, IEnumerable<(double Seconds, byte[] Frame)> frames)
    {
        using var writer = new PcapFrameWriter(path);
        foreach (var (seconds, frame) in frames)
        {
            writer.Write(frame, Start + (long)Math.Round(seconds * 1_000_000));
        }
    }

    private static byte[] Frame(TransportPacket transport, ProtocolType protocol)
    {
        var ip = new IPv4Packet(Client, IPAddress.Parse(VirtualAddress)) { TimeToLive = 64, Protocol = protocol, PayloadPacket = transport };
        var ethernet = new EthernetPacket(ClientMac, DirectorMac, EthernetType.IPv4) { PayloadPacket = ip };
        ethernet.UpdateCalculatedValues();
        ip.UpdateCalculatedValues();
        if (transport is TcpPacket tcp)
        {
            tcp.UpdateTcpChecksum();
        }
        else if (transport is UdpPacket udp)
        {
            udp.UpdateUdpChecksum();
        }
        ip.UpdateIPChecksum();
        return ethernet.Bytes;
    }
}
