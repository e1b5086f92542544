using Forwarder.Core.Connections;

namespace Forwarder.Core.Tests.Connections;

/// <summary>
/// Every cell of <c>tcp_states</c> in the kernel's <c>net/netfilter/ipvs/ip_vs_proto_tcp.c</c>, transcribed
/// from that file: rows syn, fin, ack, rst per direction; columns NONE ES SS SR FW TW CL CW LA LI SA.
/// The ack rows' NONE cells (ESTABLISHED, input and input-only) were checked on Linux 6.1 with sloppy_tcp=1:
/// a bare ACK opened a NAT and a DR connection, both listed ESTABLISHED; a bare FIN's were listed CLOSE.
/// </summary>
public sealed class TcpStateTableTests
{
    private const byte Fin = 0x01, Syn = 0x02, Rst = 0x04, Psh = 0x08, Ack = 0x10, Urg = 0x20;

    private static readonly string[] Columns = ["NO", "ES", "SS", "SR", "FW", "TW", "CL", "CW", "LA", "LI", "SA"];

    private static readonly (PacketDirection Direction, string Row, byte Flags, string Expected)[] KernelRows =
    [
        (PacketDirection.Input, "syn", Syn, "SR ES ES SR SR SR SR SR SR SR SR"),
        (PacketDirection.Input, "fin", Fin, "CL CW SS TW TW TW CL CW LA LI TW"),
        (PacketDirection.Input, "ack", Ack, "ES ES SS ES FW TW CL CW CL LI ES"),
        (PacketDirection.Input, "rst", Rst, "CL CL CL SR CL CL CL CL LA LI SR"),
        (PacketDirection.Output, "syn", Syn, "SS ES SS SR SS SS SS SS SS LI SR"),
        (PacketDirection.Output, "fin", Fin, "TW FW SS TW FW TW CL TW LA LI TW"),
        (PacketDirection.Output, "ack", Ack, "ES ES SS ES FW TW CL CW LA ES ES"),
        (PacketDirection.Output, "rst", Rst, "CL CL SS CL CL TW CL CL CL CL CL"),
        (PacketDirection.InputOnly, "syn", Syn, "SR ES ES SR SR SR SR SR SR SR SR"),
        (PacketDirection.InputOnly, "fin", Fin, "CL FW SS TW FW TW CL CW LA LI TW"),
        (PacketDirection.InputOnly, "ack", Ack, "ES ES SS ES FW TW CL CW CL LI ES"),
        (PacketDirection.InputOnly, "rst", Rst, "CL CL CL SR CL CL CL CL LA LI CL"),
    ];

    private static IEnumerable<TestCaseData> KernelCells()
    {
        foreach (var (direction, row, flags, expected) in KernelRows)
        {
            var next = expected.Split(' ');
            for (var column = 0; column < Columns.Length; column++)
            {
                yield return new TestCaseData(direction, flags, State(Columns[column]), State(next[column]))
                    .SetName($"{direction}_{row}_From{Columns[column]}_Goes{next[column]}");
            }
        }
    }

    [TestCaseSource(nameof(KernelCells))]
    public void NextState_MatchesTheKernelTable(PacketDirection direction, byte flags, TcpState current, TcpState expected)
    {
        Assert.That(TcpStateTable.NextState(current, direction, flags), Is.EqualTo(expected));
    }

    [Test]
    public void NextState_RstWinsOverSynFinAndAck([Values] PacketDirection direction, [Values] TcpState current)
    {
        Assert.That(TcpStateTable.NextState(current, direction, Rst | Syn | Fin | Ack | Psh),
            Is.EqualTo(TcpStateTable.NextState(current, direction, Rst)));
    }

    [Test]
    public void NextState_SynWinsOverFinAndAck([Values] PacketDirection direction, [Values] TcpState current)
    {
        Assert.That(TcpStateTable.NextState(current, direction, Syn | Fin | Ack),
            Is.EqualTo(TcpStateTable.NextState(current, direction, Syn)));
    }

    [Test]
    public void NextState_FinWinsOverAck([Values] PacketDirection direction, [Values] TcpState current)
    {
        Assert.That(TcpStateTable.NextState(current, direction, Fin | Ack | Psh),
            Is.EqualTo(TcpStateTable.NextState(current, direction, Fin)));
    }

    [Test]
    public void NextState_PshAndUrgDoNotChangeTheAckRow([Values] PacketDirection direction, [Values] TcpState current)
    {
        Assert.That(TcpStateTable.NextState(current, direction, Ack | Psh | Urg),
            Is.EqualTo(TcpStateTable.NextState(current, direction, Ack)));
    }

    [Test]
    public void NextState_PacketWithNoneOfSynFinAckRst_GoesToClose([Values] PacketDirection direction, [Values] TcpState current,
        [Values(0, Psh, Urg, Psh | Urg)] byte flags)
    {
        Assert.That(TcpStateTable.NextState(current, direction, flags), Is.EqualTo(TcpState.Close));
    }

    [Test]
    public void IsActive_TheHandshakeStatesAndEstablished_AsLinuxSince48()
    {
        var active = Enum.GetValues<TcpState>().Where(TcpStateTable.IsActive);

        Assert.That(active, Is.EquivalentTo(new[] { TcpState.Established, TcpState.SynSent, TcpState.SynRecv, TcpState.SynAck }));
    }

    [Test]
    public void Name_IsTheIpvsadmSpelling()
    {
        Assert.That(Enum.GetValues<TcpState>().Select(TcpStateTable.Name), Is.EqualTo(new[]
        {
            "NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK",
        }));
    }

    private static TcpState State(string code) => code switch
    {
        "NO" => TcpState.None,
        "ES" => TcpState.Established,
        "SS" => TcpState.SynSent,
        "SR" => TcpState.SynRecv,
        "FW" => TcpState.FinWait,
        "TW" => TcpState.TimeWait,
        "CL" => TcpState.Close,
        "CW" => TcpState.CloseWait,
        "LA" => TcpState.LastAck,
        "LI" => TcpState.Listen,
        "SA" => TcpState.SynAck,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "not a state code"),
    };
}
