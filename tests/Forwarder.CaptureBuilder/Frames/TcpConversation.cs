using System.Net;
using System.Net.NetworkInformation;
using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Frames;

/// <summary>
/// One TCP connection as the director's two links see it, written a segment at a time: the client's
/// segments to the address it dialled, the server's replies to the client. It keeps both sides' sequence
/// numbers and IP IDs, so a scenario only says who sends which flags when and with how many bytes.
/// A client SYN carries Windows' options, a server SYN-ACK Linux's, as in the seed trace.
/// </summary>
public sealed class TcpConversation
{
    private const byte WindowsTtl = 128;
    private const byte LinuxTtl = 64;

    private uint _clientNext;
    private uint _serverNext;
    private ushort _clientIpId;
    private ushort _serverIpId;
    private bool _serverSeen;

    /// <param name="client">The client and the MAC it sends to (the director's public side, or its gateway's).</param>
    /// <param name="dialled">The address and port the client connects to (a VIP, or a remote host).</param>
    /// <param name="server">The host that answers, its port, and the MAC its frames go to.</param>
    public TcpConversation(NetworkHost client, ushort clientPort, PhysicalAddress clientSendsTo, IPAddress dialled, ushort dialledPort,
        NetworkHost server, ushort serverPort, PhysicalAddress serverSendsTo, IPAddress serverSendsToAddress, uint clientIsn, uint serverIsn)
    {
        Client = client;
        ClientPort = clientPort;
        ClientSendsTo = clientSendsTo;
        Dialled = dialled;
        DialledPort = dialledPort;
        Server = server;
        ServerPort = serverPort;
        ServerSendsTo = serverSendsTo;
        ServerSendsToAddress = serverSendsToAddress;
        _clientNext = clientIsn;
        _serverNext = serverIsn;
        _clientIpId = (ushort)(clientIsn >> 16);
        _serverIpId = (ushort)(serverIsn >> 16);
    }

    public NetworkHost Client { get; }
    public ushort ClientPort { get; }
    public PhysicalAddress ClientSendsTo { get; }
    public IPAddress Dialled { get; }
    public ushort DialledPort { get; }
    public NetworkHost Server { get; }
    public ushort ServerPort { get; }
    public PhysicalAddress ServerSendsTo { get; }

    /// <summary>Where the server's segments are addressed: the client itself, or the director's public address when masqueraded.</summary>
    public IPAddress ServerSendsToAddress { get; }

    public byte ClientTtl { get; init; } = WindowsTtl;
    public byte ServerTtl { get; init; } = LinuxTtl;
    public bool ClientDontFragment { get; init; } = true;

    /// <summary>A client segment; <paramref name="payload"/> bytes follow the header.</summary>
    public TimedFrame FromClient(long time, TcpControlBits flags, int payload = 0, ushort window = 256, ushort? ipId = null) =>
        FromClient(time, flags, new byte[payload], window, ipId);

    public TimedFrame FromClient(long time, TcpControlBits flags, ReadOnlyMemory<byte> payload, ushort window = 256, ushort? ipId = null)
    {
        var syn = (flags & TcpControlBits.Syn) != 0;
        var frame = new TimedFrame(time, TcpFrameFactory.Build(new TcpSegmentSpec
        {
            SourceMac = Client.Mac,
            DestinationMac = ClientSendsTo,
            SourceAddress = Client.Address,
            DestinationAddress = Dialled,
            SourcePort = ClientPort,
            DestinationPort = DialledPort,
            Sequence = _clientNext,
            Acknowledgment = (flags & TcpControlBits.Ack) != 0 ? _serverNext : 0,
            Flags = flags,
            Window = syn ? (ushort)8192 : window,
            IpId = ipId ?? _clientIpId++,
            TimeToLive = ClientTtl,
            DontFragment = ClientDontFragment,
            Options = syn ? TcpOptionLayouts.WindowsSyn : ReadOnlyMemory<byte>.Empty,
            Payload = payload,
        }));
        _clientNext = Advance(_clientNext, flags, payload.Length);
        return frame;
    }

    /// <summary>A server segment back to the client (through the director when it is the server's gateway).</summary>
    public TimedFrame FromServer(long time, TcpControlBits flags, int payload = 0) => FromServer(time, flags, new byte[payload]);

    public TimedFrame FromServer(long time, TcpControlBits flags, ReadOnlyMemory<byte> payload)
    {
        var syn = (flags & TcpControlBits.Syn) != 0;
        // Linux sends its SYN-ACK with IP ID 0 (DF set), then counts.
        var ipId = syn ? (ushort)0 : _serverIpId++;
        _serverSeen = true;
        var frame = new TimedFrame(time, TcpFrameFactory.Build(new TcpSegmentSpec
        {
            SourceMac = Server.Mac,
            DestinationMac = ServerSendsTo,
            SourceAddress = Server.Address,
            DestinationAddress = ServerSendsToAddress,
            SourcePort = ServerPort,
            DestinationPort = ClientPort,
            Sequence = _serverNext,
            Acknowledgment = _clientNext,
            Flags = flags,
            Window = syn ? (ushort)29200 : (ushort)229,
            IpId = ipId,
            TimeToLive = ServerTtl,
            Options = syn ? TcpOptionLayouts.LinuxSynAck : ReadOnlyMemory<byte>.Empty,
            Payload = payload,
        }));
        _serverNext = Advance(_serverNext, flags, payload.Length);
        return frame;
    }

    /// <summary>Whether the server has sent anything yet (DR and TUN servers never send through the director).</summary>
    public bool ServerSeen => _serverSeen;

    private static uint Advance(uint next, TcpControlBits flags, int length) =>
        unchecked(next + (uint)length + ((flags & (TcpControlBits.Syn | TcpControlBits.Fin)) != 0 ? 1u : 0u));
}
