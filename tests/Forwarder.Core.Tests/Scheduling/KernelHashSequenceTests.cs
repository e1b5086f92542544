using Forwarder.Core.Scheduling;

namespace Forwarder.Core.Tests.Scheduling;

/// <summary>
/// dh, sh and mh choices taken from Linux 6.1 (Debian's 6.1.0 kernel, ipvsadm 1.31, booted in a VM):
/// real servers 192.168.139.60, .61 and .62 added in that order (so the list is .62, .61, .60), each
/// service fed SYNs, the choices read back with <c>ipvsadm -Lnc</c>. A sequence holds one digit per flow:
/// 0 for .60, 1 for .61, 2 for .62 (3 and 4 for .63 and .64 in the five-server dh case).
/// </summary>
public sealed class KernelHashSequenceTests
{
    /// <summary>sh, weights 1 1 1, clients 10.7.0.1 to 10.7.0.250 (port 1000).</summary>
    private const string Sh =
        "10122020212121012102011202001212201020202121220101"
        + "02020212001012202021202101210201120200121210102020"
        + "21212101010201021200101220102120210121010112020212"
        + "12101020201121210121020102120012122010212021212101"
        + "01020202121210122020112121012102010202001212201020";

    /// <summary>sh -b sh-port, weights 1 1 1, client 10.7.3.5 from ports 1007, 1014, ... 2750 (step 7).</summary>
    private const string ShPort =
        "11221022002100211221022002100110211221022000110011"
        + "02112210220021001102110220021001102112210221022002"
        + "10021122102200210011021122102200011021122112210220"
        + "02100110211022002100110211221022002100210021122102"
        + "20021001102112210220001102112210221022002100110211";

    /// <summary>sh -b sh-fallback, .61 added with weight 0, clients 10.7.0.1 to .250.</summary>
    private const string ShFallback =
        "00022020202020002002000202000202200020202020220000"
        + "02020202000002202020202000200200020200020200002020"
        + "20202000000200020200000220002020200020000002020202"
        + "02000020200020200020020002020002022000202020202000"
        + "00020202020200022020002020002002000202000202200020";

    /// <summary>sh, weights .60 w2, .61 w5, .62 w1, clients 10.7.0.1 to .250.</summary>
    private const string ShWeighted =
        "11011102111011102111011102111011102111011102111011"
        + "10211101110211101110211101110211101110211001110211"
        + "00111021100111021100111021100111021102111021102111"
        + "01110211101110211101110211101110211101110211101110"
        + "21110111021110111021110111021110111021110111021110";

    /// <summary>mh, weights 1 1 1, clients 10.7.0.1 to .250.</summary>
    private const string Mh =
        "22222220202011200101020201101100211100202100001220"
        + "11220202221210011121000101120120120221102100210100"
        + "22001120001011212200010010122012101021101122120221"
        + "20102011022021011021210001002000120101002110221022"
        + "02122202221200211121212222222201010120101122012002";

    /// <summary>mh -b mh-port, weights 1 1 1, client 10.7.3.5 from ports 1007 to 2750 (step 7).</summary>
    private const string MhPort =
        "21011221122211211000201000201022100111110122100110"
        + "10222122122122120100202012001011201120101110220111"
        + "11212212120120220002212201122101111002211110120002"
        + "12002221210000210020101122210021021211120110001020"
        + "22121012102211000101021100020002001220122112000212";

    /// <summary>mh, weights .60 w1, .61 w2, .62 w3, clients 10.7.0.1 to .250.</summary>
    private const string MhWeighted =
        "22222222222021220101220211121121211121202102001220"
        + "21222222222211212121020121122120122221122112210112"
        + "22021121011111212202111212122212201221121122120221"
        + "22102112022021111021211201202220120101202112221022"
        + "22222202221200211121212222222201012121111122012222";

    /// <summary>mh -b mh-fallback, weights 1 1 1, then .61 edited to weight 0 (it keeps its slots), clients 10.7.0.1 to .250.</summary>
    private const string MhFallback =
        "22222220202000200000020202200200202200202200002220"
        + "00220202220200020220000202020020220220002000200000"
        + "22000020000000202200000020222002000022000022020222"
        + "20002020022022002022220002002000220200002000222022"
        + "02222202222200222022202222222202020220002022022002";

    /// <summary>mh, weights .60 w100, .61 w7, .62 w30 (turns shifted right by one), clients 10.7.0.1 to .250.</summary>
    private const string MhLargeWeights =
        "00202220200000200000020200000200000000202000000220"
        + "00220000220010000020000000020000200020002000200000"
        + "20000000000001202200000000002020200000000002000201"
        + "00000002020020000002210000002000000000000000020022"
        + "02000200201000002220020200000200000000000000002002";

    /// <summary>dh, weights 1 1 1, one service per target 192.168.50.1 to .220 (client 10.7.0.1:1000).</summary>
    private const string Dh =
        "21220101020202121010122020212021012102011202001210"
        + "20102020212121010102020212001012202021202101210101"
        + "12020012101010202011212101010201121200101220102120"
        + "21212101011202021210101220201121210121020112120012"
        + "12201020202121210101";

    /// <summary>dh over .60 to .64 (weights 1 to 5, which dh ignores), targets 192.168.50.1 to .220.</summary>
    private const string DhFiveServers =
        "03041313141414242020243030313031413142410242430203"
        + "13031313141414242420202030213130414142414202420202"
        + "13030413141414242410202030303130414132424102420302"
        + "03030313132414142420202430302131314131424102024302"
        + "02130313131414142424";

    [Test]
    public void Sh_ClientsSpreadAsLinux61() =>
        Assert.That(Choices(Service("sh", 1, 1, 1), Clients()), Is.EqualTo(Sh));

    [Test]
    public void Sh_FirstEightClients_AsTheSemanticsNoteRecords() =>
        Assert.That(Choices(Service("sh", 1, 1, 1), Clients())[..8], Is.EqualTo("10122020"), ".61 .60 .61 .62 .62 .60 .62 .60");

    [Test]
    public void ShPort_PortsOfOneClientSpreadAsLinux61() =>
        Assert.That(Choices(Service("sh", 1, 1, 1, flags: "sh-port"), Ports()), Is.EqualTo(ShPort));

    [Test]
    public void ShFallback_QuiescentServersClientsMoveAsLinux61() =>
        Assert.That(Choices(Service("sh", 1, 0, 1, flags: "sh-fallback"), Clients()), Is.EqualTo(ShFallback));

    [Test]
    public void Sh_WeightedTable_AsLinux61() =>
        Assert.That(Choices(Service("sh", 2, 5, 1), Clients()), Is.EqualTo(ShWeighted));

    [Test]
    public void Mh_ClientsSpreadAsLinux61() =>
        Assert.That(Choices(Service("mh", 1, 1, 1), Clients()), Is.EqualTo(Mh));

    [Test]
    public void MhPort_PortsOfOneClientSpreadAsLinux61() =>
        Assert.That(Choices(Service("mh", 1, 1, 1, flags: "mh-port"), Ports()), Is.EqualTo(MhPort));

    [Test]
    public void Mh_Weights123_AsLinux61() =>
        Assert.That(Choices(Service("mh", 1, 2, 3), Clients()), Is.EqualTo(MhWeighted));

    [Test]
    public void Mh_LargeWeightsAreShifted_AsLinux61() =>
        Assert.That(Choices(Service("mh", 100, 7, 30), Clients()), Is.EqualTo(MhLargeWeights));

    [Test]
    public void MhFallback_ServerEditedToWeightZero_KeepsItsSlotsAndItsClientsMoveAsLinux61()
    {
        var mh = Service("mh", 1, 1, 1, flags: "mh-fallback");
        mh.Edit("192.168.139.61", 0);

        Assert.That(Choices(mh, Clients()), Is.EqualTo(MhFallback));
    }

    [Test]
    public void Dh_TargetsSpreadAsLinux61() =>
        Assert.That(Choices(Service("dh", 1, 1, 1), Targets()), Is.EqualTo(Dh));

    [Test]
    public void Dh_FiveServers_AsLinux61() =>
        Assert.That(Choices(Service("dh", 1, 2, 3, 4, 5), Targets()), Is.EqualTo(DhFiveServers));

    /// <summary>A service over 192.168.139.60, .61, ... added in that order with these weights.</summary>
    private static ServiceUnderTest Service(string scheduler, params int[] weights) => Service(scheduler, weights, flags: "");

    private static ServiceUnderTest Service(string scheduler, int first, int second, int third, string flags) =>
        Service(scheduler, [first, second, third], flags);

    private static ServiceUnderTest Service(string scheduler, int[] weights, string flags)
    {
        var service = new ServiceUnderTest(scheduler, flags);
        for (var index = 0; index < weights.Length; index++)
        {
            service.Add($"192.168.139.{60 + index}", weights[index]);
        }
        return service;
    }

    private static IEnumerable<(string Client, ushort Port, string? Target)> Clients() =>
        Enumerable.Range(1, 250).Select(n => ($"10.7.0.{n}", (ushort)1000, (string?)null));

    private static IEnumerable<(string Client, ushort Port, string? Target)> Ports() =>
        Enumerable.Range(1, 250).Select(n => ("10.7.3.5", (ushort)(1000 + (7 * n)), (string?)null));

    private static IEnumerable<(string Client, ushort Port, string? Target)> Targets() =>
        Enumerable.Range(1, 220).Select(n => ("10.7.0.1", (ushort)1000, (string?)$"192.168.50.{n}"));

    /// <summary>One digit per flow: the last octet of the chosen server minus 60 ("-" when none).</summary>
    private static string Choices(ServiceUnderTest service, IEnumerable<(string Client, ushort Port, string? Target)> flows) =>
        string.Concat(flows.Select(f => service.Next(f.Client, f.Port, target: f.Target) is { } chosen
            ? ((chosen.Address.Ipv4Value & 0xFF) - 60).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : "-"));
}
