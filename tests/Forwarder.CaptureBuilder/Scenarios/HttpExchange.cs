using System.Text;
using Forwarder.CaptureBuilder.Frames;
using Forwarder.CaptureBuilder.Http;
using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// The short HTTP fetch every generated scenario uses, in the seed's shape: the client's SYN, ACK,
/// GET, ACK of the reply and (unless the flow stays open) FIN; the server's SYN-ACK, reply and FIN.
/// Steps are a fraction of a millisecond apart, in the order the two sides would send them.
/// </summary>
public static class HttpExchange
{
    /// <summary>A plain-text page naming the server, so a reader of the pcap sees who answered.</summary>
    public static byte[] Page(string serverName) =>
        Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nServer: Apache\r\nContent-Length: {serverName.Length + 1}\r\nContent-Type: text/plain\r\n\r\n{serverName}\n");

    /// <param name="close">Whether the client closes (FIN) and the server answers with its own FIN.</param>
    /// <param name="client">Receives the client's frames.</param>
    /// <param name="server">Receives the server's frames; null when they do not pass the director (DR, TUN).</param>
    public static void Fetch(TcpConversation flow, long start, string host, bool close, List<TimedFrame> client, List<TimedFrame>? server)
    {
        var request = HttpMessages.PythonRequestsGet(host);
        var reply = Page($"{flow.Server.Address}");
        const long Step = 250;
        client.Add(flow.FromClient(start, TcpControlBits.Syn));
        var synAck = flow.FromServer(start + Step, TcpControlBits.Syn | TcpControlBits.Ack);
        client.Add(flow.FromClient(start + (2 * Step), TcpControlBits.Ack));
        client.Add(flow.FromClient(start + (3 * Step), TcpControlBits.Psh | TcpControlBits.Ack, request));
        var page = flow.FromServer(start + (4 * Step), TcpControlBits.Psh | TcpControlBits.Ack, reply);
        client.Add(flow.FromClient(start + (5 * Step), TcpControlBits.Ack, window: 255));
        server?.Add(synAck);
        server?.Add(page);
        if (!close)
        {
            return;
        }
        client.Add(flow.FromClient(start + (6 * Step), TcpControlBits.Fin | TcpControlBits.Ack, window: 255));
        var fin = flow.FromServer(start + (7 * Step), TcpControlBits.Fin | TcpControlBits.Ack);
        server?.Add(fin);
    }

    /// <summary>Both sides' frames in one time-ordered list (stable for equal times).</summary>
    public static List<TimedFrame> Ordered(IEnumerable<TimedFrame> frames) => frames.OrderBy(f => f.UnixMicroseconds).ToList();
}
