using System.Net.NetworkInformation;
using Forwarder.CaptureBuilder.Frames;
using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// Expands an <see cref="HttpConnectionScript"/> into the frames each side sends towards the
/// director: the client's five (SYN, ACK, request, ACK of the reply, FIN) addressed to the
/// virtual service, and the real server's three (SYN-ACK, reply, FIN) addressed to the client,
/// as NAT real servers do whose default gateway is the director.
/// </summary>
public static class HttpConnectionFrames
{
    private const byte WindowsTtl = 128;
    private const byte LinuxTtl = 64;

    /// <param name="client">The client host.</param>
    /// <param name="virtualService">The VIP; its MAC is the director's public interface.</param>
    public static IReadOnlyList<TimedFrame> FromClient(HttpConnectionScript script, NetworkHost client, NetworkHost virtualService, ushort virtualPort)
    {
        var requestLength = (uint)script.Request.Length;
        var replyLength = (uint)script.Reply.Length;
        var ipId = script.ClientFirstIpId;

        TimedFrame Frame(long time, uint seq, uint ack, TcpControlBits flags, ushort window, ReadOnlyMemory<byte> options = default, ReadOnlyMemory<byte> payload = default) =>
            new(time, TcpFrameFactory.Build(new TcpSegmentSpec
            {
                SourceMac = client.Mac,
                DestinationMac = virtualService.Mac,
                SourceAddress = client.Address,
                DestinationAddress = virtualService.Address,
                SourcePort = script.ClientPort,
                DestinationPort = virtualPort,
                Sequence = seq,
                Acknowledgment = ack,
                Flags = flags,
                Window = window,
                IpId = ipId++,
                TimeToLive = WindowsTtl,
                Options = options,
                Payload = payload,
            }));

        // Sequence arithmetic wraps modulo 2^32 like TCP's own.
        var clientNext = unchecked(script.ClientIsn + 1);
        var serverNext = unchecked(script.ServerIsn + 1);
        return
        [
            Frame(script.ClientSynTime, script.ClientIsn, 0, TcpControlBits.Syn, script.ClientSynWindow, TcpOptionLayouts.WindowsSyn),
            Frame(script.ClientAckTime, clientNext, serverNext, TcpControlBits.Ack, script.ClientWindow),
            Frame(script.ClientRequestTime, clientNext, serverNext, TcpControlBits.Psh | TcpControlBits.Ack, script.ClientWindow, payload: script.Request),
            Frame(script.ClientReplyAckTime, unchecked(clientNext + requestLength), unchecked(serverNext + replyLength), TcpControlBits.Ack, script.ClientWindowAfterReply),
            Frame(script.ClientFinTime, unchecked(clientNext + requestLength), unchecked(serverNext + replyLength), TcpControlBits.Fin | TcpControlBits.Ack, script.ClientWindowAfterReply),
        ];
    }

    /// <param name="client">The client host, the IP destination of the real server's frames.</param>
    /// <param name="directorPrivateMac">The director's private interface, the real server's gateway.</param>
    public static IReadOnlyList<TimedFrame> FromRealServer(HttpConnectionScript script, NetworkHost client, PhysicalAddress directorPrivateMac, ushort realPort)
    {
        var requestLength = (uint)script.Request.Length;
        var replyLength = (uint)script.Reply.Length;
        var server = script.RealServer;
        var ipId = script.ServerFirstIpId;

        TimedFrame Frame(long time, uint seq, uint ack, TcpControlBits flags, ushort window, ushort frameIpId, ReadOnlyMemory<byte> options = default, ReadOnlyMemory<byte> payload = default) =>
            new(time, TcpFrameFactory.Build(new TcpSegmentSpec
            {
                SourceMac = server.Mac,
                DestinationMac = directorPrivateMac,
                SourceAddress = server.Address,
                DestinationAddress = client.Address,
                SourcePort = realPort,
                DestinationPort = script.ClientPort,
                Sequence = seq,
                Acknowledgment = ack,
                Flags = flags,
                Window = window,
                IpId = frameIpId,
                TimeToLive = LinuxTtl,
                Options = options,
                Payload = payload,
            }));

        var clientNext = unchecked(script.ClientIsn + 1);
        var serverNext = unchecked(script.ServerIsn + 1);
        var requestAcked = unchecked(clientNext + requestLength);
        return
        [
            Frame(script.ServerSynAckTime, script.ServerIsn, clientNext, TcpControlBits.Syn | TcpControlBits.Ack, script.ServerSynAckWindow, 0, TcpOptionLayouts.LinuxSynAck),
            Frame(script.ServerReplyTime, serverNext, requestAcked, TcpControlBits.Psh | TcpControlBits.Ack, script.ServerWindow, ipId++, payload: script.Reply),
            // The FIN answers the client's FIN, which takes one sequence number, so it is acked.
            Frame(script.ServerFinTime, unchecked(serverNext + replyLength), unchecked(requestAcked + 1), TcpControlBits.Fin | TcpControlBits.Ack, script.ServerWindow, ipId++),
        ];
    }
}
