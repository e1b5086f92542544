using Forwarder.Core.Connections;
using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Engine;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Connections;

/// <summary>
/// The connection table saved to a state file's text and restored into a new director with the same rules, on a
/// driven clock: states, addresses, methods, remaining timeouts less the wall time between, template links and the
/// destinations' ActiveConn/InActConn come back exactly; what has no destination any more is dropped and counted.
/// </summary>
public sealed class ConnectionStateTests
{
    private const long Second = 1_000_000;
    private static readonly ServiceKey PersistentKey = new(IpProtocol.Tcp, Ipv4Address.Parse(Vip).Value, 443);

    [Test]
    public void MarkServicesOfBothFamilies_AreToldApart_InTheText()
    {
        var client = InetAddress.Parse("2001:db8:7::1");
        var server = InetAddress.Parse("2001:db8:139::2");
        SavedConnection Entry(int id, ServiceKey service) => new(id, true, (IpProtocol)FrameLayout.ProtocolIp, client, 0,
            InetAddress.FromIpv6(1UL << 32, 0), 0, server, 0, service, 0, ForwardingMethod.Masquerade, TcpState.None,
            ConnectionFlags.None, 60 * Second, 0);
        var saved = new[] { Entry(1, ServiceKey.ForFirewallMark(1, IpFamily.Ipv6)), Entry(2, ServiceKey.ForFirewallMark(1)) };

        var text = ConnectionStateFormat.Write(saved, 0);

        Assert.That(text, Does.Contain(" fwm6:1 ").And.Contain(" fwm:1 "));
        Assert.That(ConnectionStateFormat.Parse(text, 100, out _).Select(e => e.Service), Is.EqualTo(saved.Select(e => e.Service)));
    }

    [Test]
    public void RoundTrip_RestoresEachConnectionWithItsStateAndRemainingTime_AndTheCountersExactly()
    {
        var saved = WithTraffic();
        var before = Counters(saved);
        var snapshot = saved.Connections.Snapshot(saved.Now);
        var text = ConnectionStateFormat.Write(snapshot, 5_000 * Second);

        var restored = NewRig();
        var read = ConnectionStateFormat.Parse(text, ConnectionTable.DefaultMaximum, out var savedAt);
        var report = restored.Engine.RestoreConnections(read, saved.Now + (60 * Second), elapsed: 7 * Second);

        var after = restored.Connections.Snapshot(saved.Now + (60 * Second));
        Assert.Multiple(() =>
        {
            Assert.That(savedAt, Is.EqualTo(5_000 * Second));
            Assert.That(read, Is.EqualTo(snapshot), "the text holds everything");
            Assert.That(report.Connections, Is.EqualTo(5));
            Assert.That(report.Templates, Is.EqualTo(1));
            Assert.That(report.Dropped, Is.Zero);
            Assert.That(Counters(restored), Is.EqualTo(before), "ActiveConn, InActConn and templates per destination");
            Assert.That(after.Select(Describe), Is.EquivalentTo(snapshot.Select(s => Describe(s with { RemainingMicroseconds = s.RemainingMicroseconds - (7 * Second) }))),
                "each entry as it was, its time less the 7 s between save and restore");
        });
    }

    [Test]
    public void RestoredConnection_CarriesOnToTheSameRealServer()
    {
        var saved = WithTraffic();
        var server = saved.Connections[saved.Connections.FindByClient(6, Frame.Ip(Client), 40001, Frame.Ip(Vip), 80, saved.Now)].DestinationAddress.Ipv4Value;
        var restored = Restore(saved, elapsed: Second);

        var outcome = restored.Feed(Frame.Tcp(ClientMac, PublicMac, Client, 40001, Vip, 80, ack: true, payload: [7]), Public);
        var forwarded = restored.Sent();
        var reply = restored.Feed(Frame.Tcp(ServerMac((int)(server & 0xFF)), PrivateMac, new Ipv4Address(server).ToString(), 80, Client, 40001, ack: true), Private);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(Frame.ParseIpv4(forwarded).DestinationAddress.ToString(), Is.EqualTo(new Ipv4Address(server).ToString()));
            Assert.That(reply, Is.EqualTo(FrameOutcome.Forwarded), "the server's reply finds its NAT connection");
            Assert.That(Frame.ParseIpv4(restored.Sent()).SourceAddress.ToString(), Is.EqualTo(Vip));
        });
    }

    [Test]
    public void RestoredTemplate_StillPinsItsClient_AndControlsItsConnection()
    {
        var saved = WithTraffic();
        var pinned = saved.Connections[saved.Connections.FindTemplate(6, Frame.Ip(Client), Frame.Ip(Vip), 443, saved.Now)].DestinationAddress.Ipv4Value;
        var restored = Restore(saved, elapsed: Second);

        var template = restored.Connections.FindTemplate(6, Frame.Ip(Client), Frame.Ip(Vip), 443, restored.Now);
        var opened = restored.Feed(Frame.Tcp(ClientMac, PublicMac, Client, 41999, Vip, 443, syn: true), Public);

        Assert.Multiple(() =>
        {
            Assert.That(template, Is.GreaterThanOrEqualTo(0));
            Assert.That(restored.Connections[template].ControlledCount, Is.EqualTo(2), "its restored connection, and the new one");
            Assert.That(opened, Is.EqualTo(FrameOutcome.Forwarded));
            Assert.That(Frame.ParseIpv4(restored.Sent()).DestinationAddress.ToString(), Is.EqualTo(new Ipv4Address(pinned).ToString()), "the new flow goes where the template pins it");
        });
    }

    [Test]
    public void ConnectionOfADeletedDestination_IsDroppedAndCounted_TheOthersRestored()
    {
        var saved = WithTraffic();
        var text = ConnectionStateFormat.Write(saved.Connections.Snapshot(saved.Now), 0);
        var restored = NewRig();
        var gone = restored.Services.Services.Single(s => s.Key == TcpKey).Destinations[0];
        var onIt = saved.Connections.Snapshot(saved.Now).Count(s => s.Service == TcpKey && s.DestinationAddress == gone.Address);
        restored.Services.DeleteDestination(TcpKey, gone.Address, gone.Port);

        var report = restored.Engine.RestoreConnections(ConnectionStateFormat.Parse(text, 100, out _), saved.Now, 0);

        Assert.Multiple(() =>
        {
            Assert.That(onIt, Is.GreaterThan(0));
            Assert.That(report.DroppedNoDestination, Is.EqualTo(onIt));
            Assert.That(report.Connections + report.Templates, Is.EqualTo(6 - onIt));
            Assert.That(restored.Connections.Count, Is.EqualTo(6 - onIt));
        });
    }

    [Test]
    public void ConnectionsWhoseTimeRanOutBetweenSaveAndRestore_AreNotRestored()
    {
        var saved = WithTraffic();
        var restored = Restore(saved, elapsed: 10 * 60 * Second, out var report);

        Assert.Multiple(() =>
        {
            // Ten minutes: the UDP flow (300 s), the closing one (FIN_WAIT 120 s) and the SYN_RECV one are gone; the
            // established flows (900 s) live, and so does the template (360 s) that controls one of them.
            Assert.That(report.Expired, Is.EqualTo(3));
            Assert.That(report.Connections, Is.EqualTo(2));
            Assert.That(report.Templates, Is.EqualTo(1), "kept while a connection it controls lives");
            Assert.That(restored.Connections.Count, Is.EqualTo(3));
        });
    }

    [Test]
    public void Text_IsTheDocumentedLineFormat()
    {
        var rig = NewRig();
        rig.Feed(rig.ClientSyn(), Public);
        var text = ConnectionStateFormat.Write(rig.Connections.Snapshot(rig.Now), 1_700_000_000_000_000);
        var lines = text.Split('\n');

        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Is.EqualTo("forwarder-connections 1"));
            Assert.That(lines[1], Is.EqualTo("saved 1700000000000000"));
            Assert.That(lines[2], Does.Match(@"^c \d+ tcp 192\.168\.1\.50:40000 192\.168\.1\.199:80 192\.168\.139\.13[01]:80 192\.168\.1\.199:80 80 masq SynRecv - 60000000 0$"));
            Assert.That(lines[3], Does.Match("^end 1 [0-9a-f]{16}$"));
            Assert.That(lines[4], Is.Empty);
        });
    }

    [TestCase("", "line 1: not a state file")]
    [TestCase("not a state file\n", "line 1: not a state file")]
    [TestCase("forwarder-connections 1\nsaved 5\n", "line 3: truncated: no end line")]
    [TestCase("forwarder-connections 1\nsaved 5\nend 0 0000000000000000\n", "checksum mismatch")]
    [TestCase("forwarder-state 1\nsaved 5\nend 0 0000000000000000\n", "line 1: not a state file")]
    [TestCase("forwarder-connections 2\nsaved 5\nend 0 0000000000000000\n", "line 1: version 2 is not one this director reads")]
    [TestCase("forwarder-connections 1\nsaved -5\nend 0 0000000000000000\n", "line 2: expected \"saved MICROSECONDS\"")]
    public void NotAStateFile_IsRefusedWithTheReason(string text, string reason)
    {
        Assert.That(() => ConnectionStateFormat.Parse(text, 100, out _), Throws.TypeOf<LineFormatException>().With.Message.Contains(reason));
    }

    [Test]
    public void TruncatedFile_IsRefused()
    {
        var text = SavedText();

        Assert.Multiple(() =>
        {
            for (var cut = 1; cut < text.Length - 1; cut += 7)
            {
                Assert.That(() => ConnectionStateFormat.Parse(text[..cut], 100, out _), Throws.TypeOf<LineFormatException>(), $"cut at {cut}");
            }
        });
    }

    [Test]
    public void AlteredLine_IsRefusedByTheChecksum()
    {
        var text = SavedText();
        var line = text.Split('\n')[3];
        var changed = text.Replace(line, line.Replace("masq", "tunnel", StringComparison.Ordinal), StringComparison.Ordinal);

        Assert.That(() => ConnectionStateFormat.Parse(changed, 100, out _), Throws.TypeOf<LineFormatException>().With.Message.Contains("checksum mismatch"));
    }

    [TestCase("c 7 tcp 1.2.3.4:70000 192.168.1.199:80 192.168.139.129:80 192.168.1.199:80 80 masq Established - 5 0", "bad client 1.2.3.4:70000 (expected ADDRESS:PORT)")]
    [TestCase("c 7 tcp 1.2.3:5 192.168.1.199:80 192.168.139.129:80 192.168.1.199:80 80 masq Established - 5 0", "bad client 1.2.3:5 (expected ADDRESS:PORT)")]
    [TestCase("c 7 icmp 1.2.3.4:5 192.168.1.199:80 192.168.139.129:80 192.168.1.199:80 80 masq Established - 5 0", "unknown protocol icmp")]
    [TestCase("c 7 tcp 1.2.3.4:5 192.168.1.199:80 192.168.139.129:80 192.168.1.199:80 80 masq 5 - 5 0", "unknown state 5")]
    [TestCase("c 7 tcp 1.2.3.4:5 192.168.1.199:80 192.168.139.129:80 192.168.1.199:80 80 nat Established - 5 0", "unknown forwarding method nat")]
    [TestCase("c 7 tcp 1.2.3.4:5 192.168.1.199:80 192.168.139.129:80 192.168.1.199:80 80 masq Established in-use 5 0", "unknown flag in-use")]
    [TestCase("c 7 tcp 1.2.3.4:5 192.168.1.199:80 192.168.139.129:80 192.168.1.199:80 80 masq Established - -5 0", "bad remaining time -5")]
    [TestCase("c 7 tcp 1.2.3.4:5 192.168.1.199:80 192.168.139.129:80 192.168.1.199:80 80 masq Established - 5 9", "template 9 is not a template listed before it")]
    [TestCase("c 0 tcp 1.2.3.4:5 192.168.1.199:80 192.168.139.129:80 192.168.1.199:80 80 masq Established - 5 0", "bad id 0")]
    [TestCase("c 7 tcp 1.2.3.4:5 192.168.1.199:80", "expected 13 fields, found 5")]
    [TestCase("x 7 tcp 1.2.3.4:5 192.168.1.199:80 192.168.139.129:80 192.168.1.199:80 80 masq Established - 5 0", "unknown kind x (t or c)")]
    [TestCase("c 7 tcp \u001b[2J:5 192.168.1.199:80 192.168.139.129:80 192.168.1.199:80 80 masq Established - 5 0", "bad client \\x1b[2J:5 (expected ADDRESS:PORT)")]
    public void HostileLine_IsRefusedWithItsLineNumber(string line, string reason)
    {
        var text = Sealed($"forwarder-connections 1\nsaved 5\n{line}\n", 1);

        Assert.That(() => ConnectionStateFormat.Parse(text, 100, out _),
            Throws.TypeOf<LineFormatException>().With.Message.EqualTo($"line 3: {reason}"));
    }

    [Test]
    public void DuplicateIds_AndMoreEntriesThanTheTableHolds_AreRefused()
    {
        const string Line = "c 7 tcp 1.2.3.4:5 192.168.1.199:80 192.168.139.129:80 192.168.1.199:80 80 masq Established - 5 0";
        var twice = Sealed($"forwarder-connections 1\nsaved 5\n{Line}\n{Line}\n", 2);

        Assert.Multiple(() =>
        {
            Assert.That(() => ConnectionStateFormat.Parse(twice, 100, out _), Throws.TypeOf<LineFormatException>().With.Message.EqualTo("line 4: id 7 appears twice"));
            Assert.That(() => ConnectionStateFormat.Parse(twice, 1, out _), Throws.TypeOf<LineFormatException>().With.Message.Contains("more than the connection table holds (1)"));
        });
    }

    /// <summary>
    /// A director with traffic: two established NAT flows, one of them under the persistent service (so a template
    /// controls it), one flow closing (FIN_WAIT, inactive), one half-open (SYN_RECV), and a UDP flow.
    /// </summary>
    private static EngineRig WithTraffic()
    {
        var rig = NewRig();
        Establish(rig, 40001, 80);
        Establish(rig, 40002, 443);
        var closing = Establish(rig, 40003, 80);
        rig.Feed(Frame.Tcp(ClientMac, PublicMac, Client, 40003, Vip, 80, ack: true, fin: true), Public);
        rig.Feed(ServerSegment(closing, Client, 40003, ack: true, fin: true), Private);
        rig.Feed(rig.ClientSyn(40004), Public);
        rig.Feed(Frame.Udp(ClientMac, PublicMac, Client, 5353, Vip, 53, [1, 2]), Public);
        rig.Now += 3 * Second;
        rig.Engine.AdvanceClock(rig.Now, rig.Output);
        return rig;
    }

    /// <summary>The three-way handshake of a NAT flow from the client's <paramref name="port"/>; returns its server's octet.</summary>
    private static int Establish(EngineRig rig, ushort port, ushort servicePort)
    {
        rig.Feed(Frame.Tcp(ClientMac, PublicMac, Client, port, Vip, servicePort, syn: true), Public);
        var octet = Frame.ParseIpv4(rig.Sent()).DestinationAddress.GetAddressBytes()[3];
        rig.Feed(Frame.Tcp(ServerMac(octet), PrivateMac, $"192.168.139.{octet}", servicePort, Client, port, syn: true, ack: true), Private);
        rig.Feed(Frame.Tcp(ClientMac, PublicMac, Client, port, Vip, servicePort, ack: true), Public);
        return octet;
    }

    private static EngineRig NewRig()
    {
        var rig = new EngineRig();
        rig.Services.AddService(new ServiceSpec(PersistentKey, "rr", 360, uint.MaxValue));
        foreach (var octet in new[] { 129, 130, 131 })
        {
            rig.Services.AddDestination(PersistentKey, new DestinationSpec(Ipv4Address.Parse($"192.168.139.{octet}"), 443, ForwardingMethod.Masquerade));
        }
        return rig;
    }

    private static EngineRig Restore(EngineRig saved, long elapsed) => Restore(saved, elapsed, out _);

    private static EngineRig Restore(EngineRig saved, long elapsed, out Forwarder.Core.Engine.ConnectionRestoreReport report)
    {
        var text = ConnectionStateFormat.Write(saved.Connections.Snapshot(saved.Now), 0);
        var restored = NewRig();
        restored.Now = saved.Now + elapsed;
        report = restored.Engine.RestoreConnections(ConnectionStateFormat.Parse(text, 100, out _), restored.Now, elapsed);
        return restored;
    }

    private static string SavedText()
    {
        var saved = WithTraffic();
        return ConnectionStateFormat.Write(saved.Connections.Snapshot(saved.Now), 42);
    }

    /// <summary>A body with its end line, as the writer seals one (the checksum computed here independently).</summary>
    private static string Sealed(string body, int count)
    {
        var hash = 0xCBF2_9CE4_8422_2325UL;
        foreach (var character in body)
        {
            hash = (hash ^ character) * 0x0000_0100_0000_01B3UL;
        }
        return body + $"end {count} {hash:x16}\n";
    }

    private static List<string> Counters(EngineRig rig) =>
        rig.Services.Services.SelectMany(s => s.Destinations.Select(d =>
            $"{s.Key.Port} {d.Address}:{d.Port} active {d.ActiveConnections} inactive {d.InactiveConnections} persistent {d.PersistentConnections}")).ToList();

    /// <summary>An entry without its id (slots differ between the two tables), its template named by its client instead.</summary>
    private static string Describe(SavedConnection s) =>
        $"{s.IsTemplate} {s.Protocol} {s.ClientAddress.AsIpv4()}:{s.ClientPort} {s.VirtualAddress.AsIpv4()}:{s.VirtualPort} " +
        $"{s.DestinationAddress.AsIpv4()}:{s.DestinationPort} {s.Service} {s.ServerPort} {s.Method} {s.State} {s.Flags} {s.RemainingMicroseconds} {s.TemplateId != 0}";
}
