using Forwarder.CaptureBuilder.Frames;
using Forwarder.CaptureBuilder.Http;
using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// The seed guide's NAT experiment (lvs-ipvsadm-guide.txt, "NAT模式实验"): a Windows client
/// fetches http://192.168.1.199/ three times, two seconds apart, and rr over three NAT real
/// servers answers from .252, .253, .254 in turn — .252 first because IPVS puts each new
/// destination at the head of the list. Client frames copy the guide's tcpdump trace field for
/// field; the real servers' frames are those the trace implies.
/// </summary>
public sealed class SeedNatRoundRobinScenario : ICaptureScenario
{
    private const ushort HttpPort = 80;
    private const int RequestLength = 144;
    private const int ReplyLength = 289;

    private static readonly NetworkHost Client = NetworkHost.Parse("02:00:00:00:01:6a", "192.168.1.106");
    private static readonly NetworkHost VirtualService = NetworkHost.Parse("02:00:00:00:01:71", "192.168.1.199");
    private static readonly NetworkHost DirectorPrivate = NetworkHost.Parse("02:00:00:00:8b:8e", "192.168.139.142");
    private static readonly NetworkHost Web1 = NetworkHost.Parse("02:00:00:00:8b:fe", "192.168.139.254");
    private static readonly NetworkHost Web2 = NetworkHost.Parse("02:00:00:00:8b:fd", "192.168.139.253");
    private static readonly NetworkHost Web3 = NetworkHost.Parse("02:00:00:00:8b:fc", "192.168.139.252");

    // When the page was last written on the web servers; only shapes Last-Modified and ETag.
    private static readonly DateTimeOffset PageModified = new(2017, 6, 7, 13, 50, 21, TimeSpan.Zero);

    public string Name => "seed-nat-rr";

    public IReadOnlyDictionary<string, IReadOnlyList<TimedFrame>> BuildCaptures()
    {
        var scripts = new[]
        {
            Script(51729, 2841949030, 1384177408, Web3, "web3", 2053, 2052, 0x2b4f, 0x8c3e, 44,
                ("674731", "675281", "675656", "675736", "677152", "677485", "678669", "679034")),
            Script(51730, 692870389, 2177794249, Web2, "web2", 256, 255, 0x2b63, 0x1d07, 46,
                ("698341", "700377", "700948", "701147", "704035", "704619", "707583", "708112")),
            Script(51731, 1622299946, 2671677041, Web1, "web1", 256, 255, 0x2b7a, 0x5a92, 48,
                ("724503", "726598", "727207", "727433", "730854", "731488", "735640", "736219")),
        };

        return new Dictionary<string, IReadOnlyList<TimedFrame>>
        {
            ["eth2"] = scripts.SelectMany(s => HttpConnectionFrames.FromClient(s, Client, VirtualService, HttpPort)).ToList(),
            ["eth1"] = scripts.SelectMany(s => HttpConnectionFrames.FromRealServer(s, Client, DirectorPrivate.Mac, HttpPort)).ToList(),
        };
    }

    /// <param name="second">The second past 22:44 of the connection; every frame of it falls inside it.</param>
    /// <param name="micros">Fractions in script order: client SYN, server SYN-ACK, client ACK, request,
    /// reply, client ACK of the reply, client FIN, server FIN. The client's come from the trace.</param>
    private static HttpConnectionScript Script(
        ushort clientPort, uint clientIsn, uint serverIsn, NetworkHost server, string serverName,
        ushort clientWindow, ushort clientWindowAfterReply, ushort clientFirstIpId, ushort serverFirstIpId, int second,
        (string Syn, string SynAck, string Ack, string Request, string Reply, string ReplyAck, string Fin, string ServerFin) micros)
    {
        long At(string fraction) => CaptureTime.Utc(2017, 6, 7, $"22:44:{second:00}.{fraction}");

        var date = new DateTimeOffset(2017, 6, 7, 22, 44, second, TimeSpan.Zero);
        return new HttpConnectionScript
        {
            ClientPort = clientPort,
            ClientIsn = clientIsn,
            ServerIsn = serverIsn,
            RealServer = server,
            ClientSynTime = At(micros.Syn),
            ServerSynAckTime = At(micros.SynAck),
            ClientAckTime = At(micros.Ack),
            ClientRequestTime = At(micros.Request),
            ServerReplyTime = At(micros.Reply),
            ClientReplyAckTime = At(micros.ReplyAck),
            ClientFinTime = At(micros.Fin),
            ServerFinTime = At(micros.ServerFin),
            ClientWindow = clientWindow,
            ClientWindowAfterReply = clientWindowAfterReply,
            ClientFirstIpId = clientFirstIpId,
            ServerFirstIpId = serverFirstIpId,
            Request = HttpMessages.PythonRequestsGet(VirtualService.Address.ToString(), RequestLength),
            // The guide's client printed each body followed directly by time.ctime() on the next
            // line, so the page ends with a newline.
            Reply = HttpMessages.ApacheStaticPage(date, PageModified, $"{serverName}:{server.Address}\n", ReplyLength),
        };
    }
}
