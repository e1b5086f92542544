using Forwarder.CaptureBuilder.Frames;
using Forwarder.CaptureBuilder.Http;
using Forwarder.CaptureBuilder.Pcap;

namespace Forwarder.CaptureBuilder.Scenarios;

/// <summary>
/// The seed guide's NAT experiment (lvs-ipvsadm-guide.txt, "NAT模式实验"): a Windows client
/// fetches http://192.168.1.199/ three times, two seconds apart, and rr over three NAT real
/// servers answers from .252, .253, .254 in turn — .252 first because IPVS puts each new
/// destination at the head of the list. Client frames copy the guide's tcpdump trace field for
/// field; the real servers' frames are those the trace implies. <see cref="OverIpv6"/> is the same experiment with
/// IPv6 addresses throughout (ipv6-nat): the same timing, sequence numbers and rotation.
/// </summary>
public sealed class SeedNatRoundRobinScenario : ICaptureScenario
{
    private const ushort HttpPort = 80;
    private const int RequestLength = 144;
    private const int ReplyLength = 289;

    // When the page was last written on the web servers; only shapes Last-Modified and ETag.
    private static readonly DateTimeOffset PageModified = new(2017, 6, 7, 13, 50, 21, TimeSpan.Zero);

    private readonly NetworkHost _client;
    private readonly NetworkHost _virtualService;
    private readonly NetworkHost _directorPrivate;
    private readonly NetworkHost _web1;
    private readonly NetworkHost _web2;
    private readonly NetworkHost _web3;

    /// <summary>The seed's own experiment, whose message lengths are the trace's.</summary>
    public SeedNatRoundRobinScenario()
        : this("seed-nat-rr", "192.168.1.106", "192.168.1.199", "192.168.139.142", "192.168.139.254", "192.168.139.253", "192.168.139.252")
    {
    }

    private SeedNatRoundRobinScenario(string name, string client, string virtualAddress, string directorPrivate, string web1, string web2, string web3)
    {
        Name = name;
        _client = NetworkHost.Parse("02:00:00:00:01:6a", client);
        _virtualService = NetworkHost.Parse("02:00:00:00:01:71", virtualAddress);
        _directorPrivate = NetworkHost.Parse("02:00:00:00:8b:8e", directorPrivate);
        _web1 = NetworkHost.Parse("02:00:00:00:8b:fe", web1);
        _web2 = NetworkHost.Parse("02:00:00:00:8b:fd", web2);
        _web3 = NetworkHost.Parse("02:00:00:00:8b:fc", web3);
    }

    /// <summary>The experiment over IPv6: VIP 2001:db8::113, web1..3 at 2001:db8:139::129..131 (added in that order).</summary>
    public static SeedNatRoundRobinScenario OverIpv6() =>
        new("ipv6-nat", "2001:db8::106", "2001:db8::113", "2001:db8:139::142", "2001:db8:139::129", "2001:db8:139::130", "2001:db8:139::131");

    public string Name { get; }

    private bool IsIpv6 => _client.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;

    public IReadOnlyDictionary<string, IReadOnlyList<TimedFrame>> BuildCaptures()
    {
        var scripts = new[]
        {
            Script(51729, 2841949030, 1384177408, _web3, "web3", 2053, 2052, 0x2b4f, 0x8c3e, 44,
                ("674731", "675281", "675656", "675736", "677152", "677485", "678669", "679034")),
            Script(51730, 692870389, 2177794249, _web2, "web2", 256, 255, 0x2b63, 0x1d07, 46,
                ("698341", "700377", "700948", "701147", "704035", "704619", "707583", "708112")),
            Script(51731, 1622299946, 2671677041, _web1, "web1", 256, 255, 0x2b7a, 0x5a92, 48,
                ("724503", "726598", "727207", "727433", "730854", "731488", "735640", "736219")),
        };

        return new Dictionary<string, IReadOnlyList<TimedFrame>>
        {
            ["eth2"] = scripts.SelectMany(s => HttpConnectionFrames.FromClient(s, _client, _virtualService, HttpPort)).ToList(),
            ["eth1"] = scripts.SelectMany(s => HttpConnectionFrames.FromRealServer(s, _client, _directorPrivate.Mac, HttpPort)).ToList(),
        };
    }

    /// <param name="second">The second past 22:44 of the connection; every frame of it falls inside it.</param>
    /// <param name="micros">Fractions in script order: client SYN, server SYN-ACK, client ACK, request,
    /// reply, client ACK of the reply, client FIN, server FIN. The client's come from the trace.</param>
    private HttpConnectionScript Script(
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
            // An IPv6 literal goes in brackets in the Host header (RFC 3986); the lengths then differ from the trace's.
            Request = IsIpv6 ? HttpMessages.PythonRequestsGet($"[{_virtualService.Address}]") : HttpMessages.PythonRequestsGet(_virtualService.Address.ToString(), RequestLength),
            // The guide's client printed each body followed directly by time.ctime() on the next
            // line, so the page ends with a newline.
            Reply = IsIpv6
                ? HttpMessages.ApacheStaticPage(date, PageModified, $"{serverName}:{server.Address}\n")
                : HttpMessages.ApacheStaticPage(date, PageModified, $"{serverName}:{server.Address}\n", ReplyLength),
        };
    }
}
