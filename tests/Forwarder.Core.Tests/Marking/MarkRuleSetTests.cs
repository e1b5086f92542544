using Forwarder.Core.Frames;
using Forwarder.Core.Marking;
using Forwarder.Core.Tests.Support;

namespace Forwarder.Core.Tests.Marking;

/// <summary>The compiled rules classify as netfilter's chain walk would, and without allocating.</summary>
public sealed class MarkRuleSetTests
{
    private static readonly string[] Interfaces = ["eth2", "eth1"];

    private static MarkRuleSet Compile(string text, List<MarksProblem>? problems = null) =>
        MarkRuleSet.Compile(MarksFileParser.Parse(text).Rules, Interfaces, problems ?? new List<MarksProblem>());

    private static PacketFields Packet(string source, string destination, byte protocol, ushort port) => new()
    {
        Source = Ipv4Address.Parse(source).Value,
        Destination = Ipv4Address.Parse(destination).Value,
        SourceAddress = Ipv4Address.Parse(source),
        DestinationAddress = Ipv4Address.Parse(destination),
        Protocol = protocol,
        SourcePort = 40000,
        DestinationPort = port,
    };

    private static PacketFields Packet6(string source, string destination, byte protocol, ushort port) => new()
    {
        Family = IpFamily.Ipv6,
        SourceAddress = InetAddress.ReadIpv6(System.Net.IPAddress.Parse(source).GetAddressBytes()),
        DestinationAddress = InetAddress.ReadIpv6(System.Net.IPAddress.Parse(destination).GetAddressBytes()),
        Protocol = protocol,
        SourcePort = 40000,
        DestinationPort = port,
    };

    [Test]
    public void HttpAndHttps_OfOneVip_GetOneMark_OtherPortsAndVipsNone()
    {
        var marks = Compile("""
            -A PREROUTING -d 192.168.1.199/32 -p tcp -m tcp --dport 80 -j MARK --set-xmark 0x1/0xffffffff
            -A PREROUTING -d 192.168.1.199/32 -p tcp -m tcp --dport 443 -j MARK --set-xmark 0x1/0xffffffff
            """);

        Assert.Multiple(() =>
        {
            Assert.That(marks.Classify(0, Packet("10.0.0.1", "192.168.1.199", 6, 80)), Is.EqualTo(1u));
            Assert.That(marks.Classify(0, Packet("10.0.0.1", "192.168.1.199", 6, 443)), Is.EqualTo(1u));
            Assert.That(marks.Classify(0, Packet("10.0.0.1", "192.168.1.199", 6, 22)), Is.EqualTo(0u));
            Assert.That(marks.Classify(0, Packet("10.0.0.1", "192.168.1.199", 17, 80)), Is.EqualTo(0u));
            Assert.That(marks.Classify(0, Packet("10.0.0.1", "192.168.1.200", 6, 80)), Is.EqualTo(0u));
        });
    }

    [Test]
    public void EveryMatchingMarkRuleApplies_AsTheMarkTargetDoesNotEndTheChain_AcceptDoes()
    {
        var marks = Compile("""
            -A PREROUTING -d 10.0.0.0/8 -j MARK --set-mark 1
            -A PREROUTING -p tcp -m multiport --dports 80,443 -j MARK --or-mark 0x100
            -A PREROUTING -s 172.16.0.0/12 -j ACCEPT
            -A PREROUTING -j MARK --set-mark 9
            """);

        Assert.Multiple(() =>
        {
            Assert.That(marks.Classify(0, Packet("172.16.0.1", "10.1.1.1", 6, 443)), Is.EqualTo(0x101u));
            Assert.That(marks.Classify(0, Packet("172.16.0.1", "10.1.1.1", 6, 22)), Is.EqualTo(1u));
            Assert.That(marks.Classify(0, Packet("192.0.2.1", "10.1.1.1", 6, 22)), Is.EqualTo(9u));
        });
    }

    [Test]
    public void Interfaces_Negations_AndRanges_Match_AsIptables()
    {
        var problems = new List<MarksProblem>();
        var marks = Compile("""
            -A PREROUTING -i eth2 -p udp -m udp --dport 5000:5010 -j MARK --set-mark 2
            -A PREROUTING ! -i eth+ -j MARK --set-mark 3
            -A PREROUTING -i wlan0 -j MARK --set-mark 4
            -A PREROUTING ! -s 10.0.0.0/8 -p tcp -m tcp ! --dport 22 -j MARK --set-mark 5
            """, problems);

        Assert.Multiple(() =>
        {
            Assert.That(marks.Classify(0, Packet("10.0.0.1", "10.9.9.9", 17, 5005)), Is.EqualTo(2u));
            Assert.That(marks.Classify(1, Packet("10.0.0.1", "10.9.9.9", 17, 5005)), Is.EqualTo(0u));
            Assert.That(marks.Classify(0, Packet("192.0.2.1", "10.9.9.9", 6, 80)), Is.EqualTo(5u));
            Assert.That(marks.Classify(0, Packet("192.0.2.1", "10.9.9.9", 6, 22)), Is.EqualTo(0u));
            Assert.That(marks.Classify(0, Packet("10.0.0.2", "10.9.9.9", 6, 80)), Is.EqualTo(0u));
            Assert.That(problems.Single().ToString(), Is.EqualTo("line 3: -i wlan0: the director has no such interface (eth2, eth1)"));
        });
    }

    [Test]
    public void NamesDestination_OnlyForServedMarks_AndOutrightDestinations()
    {
        var marks = Compile("""
            -A PREROUTING -d 192.168.1.199/32 -p tcp -j MARK --set-mark 1
            -A PREROUTING -d 192.168.2.0/24 -j MARK --set-mark 2
            -A PREROUTING ! -d 192.168.3.1/32 -j MARK --set-mark 1
            """);

        Assert.Multiple(() =>
        {
            Assert.That(marks.NamesDestination(Ipv4Address.Parse("192.168.1.199").Value, m => m == 1), Is.True);
            Assert.That(marks.NamesDestination(Ipv4Address.Parse("192.168.2.7").Value, m => m == 1), Is.False);
            Assert.That(marks.NamesDestination(Ipv4Address.Parse("192.168.2.7").Value, m => m == 2), Is.True);
            Assert.That(marks.NamesDestination(Ipv4Address.Parse("192.168.4.1").Value, m => m == 1), Is.False);
        });
    }

    [Test]
    public void Ipv6Rules_ClassifyIpv6Packets_AndNoIpv4Packet()
    {
        var marks = Compile("""
            # Generated by ip6tables-save v1.8.9
            *mangle
            -A PREROUTING -d 2001:db8:1::/64 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 6
            -A PREROUTING ! -s 2001:db8:7::/48 -d 2001:db8:1::10/128 -j MARK --or-mark 0x100
            COMMIT
            """);

        Assert.That(marks.Ipv6Count, Is.EqualTo(2));
        Assert.That(marks.Count, Is.Zero);
        Assert.Multiple(() =>
        {
            Assert.That(marks.Classify(0, Packet("10.0.0.1", "10.0.0.2", 6, 80)), Is.EqualTo(0u));
            Assert.That(marks.Classify(0, Packet6("2001:db8:7::1", "2001:db8:1::10", 6, 443)), Is.EqualTo(6u));
            Assert.That(marks.Classify(0, Packet6("2001:db8:8::1", "2001:db8:1::10", 6, 443)), Is.EqualTo(0x106u));
            Assert.That(marks.Classify(0, Packet6("2001:db8:7::1", "2001:db8:2::10", 6, 443)), Is.EqualTo(0u));
            Assert.That(marks.Classify(0, Packet6("2001:db8:7::1", "2001:db8:1::10", 17, 443)), Is.EqualTo(0u));
        });
    }

    [Test]
    public void ServiceTable_ClaimsAnIpv6AddressAnIpv6RuleNames_OnlyWhileTheMarksIpv6ServiceExists()
    {
        var table = new Forwarder.Core.Services.ServiceTable(Forwarder.Core.Scheduling.SchedulerRegistry.Create)
        {
            FirewallMarks = Compile("""
                # Generated by ip6tables-save v1.8.9
                *mangle
                -A PREROUTING -d 2001:db8:1::10/128 -p tcp -j MARK --set-mark 1
                COMMIT
                """),
        };
        var vip = InetAddress.Parse("2001:db8:1::10");

        table.AddService(new Forwarder.Core.Services.ServiceSpec(Forwarder.Core.Services.ServiceKey.ForFirewallMark(1), "rr"));
        Assert.That(table.HasVirtualAddress(vip), Is.False, "the IPv4 service of mark 1 is not the IPv6 rule's");
        table.AddService(new Forwarder.Core.Services.ServiceSpec(Forwarder.Core.Services.ServiceKey.ForFirewallMark(1, IpFamily.Ipv6), "rr"));
        Assert.That(table.HasVirtualAddress(vip), Is.True);
        Assert.That(table.HasVirtualAddress(InetAddress.Parse("2001:db8:1::11")), Is.False);
    }

    [Test]
    public void Ipv4Rules_ClassifyNoIpv6Packet()
    {
        var marks = Compile("-A PREROUTING -p tcp -m tcp --dport 80 -j MARK --set-mark 5");

        Assert.That(marks.Classify(0, Packet6("2001:db8:7::1", "2001:db8:1::10", 6, 80)), Is.EqualTo(0u));
        Assert.That(marks.Classify(0, Packet("10.0.0.1", "10.0.0.2", 6, 80)), Is.EqualTo(5u));
    }

    [Test]
    public void Classify_AllocatesNothing()
    {
        var marks = Compile("""
            -A PREROUTING -d 192.168.1.199/32 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 1
            -A PREROUTING -i eth2 -s 10.0.0.0/8 -j MARK --or-mark 2
            """);
        var packet = Packet("10.0.0.1", "192.168.1.199", 6, 443);
        var sum = 0u;

        var allocated = SteadyAllocation.BytesPerPass(() => sum += ClassifyMany(marks, packet));

        Assert.That(allocated, Is.Zero);
        Assert.That(sum, Is.Not.Zero);
    }

    private static uint ClassifyMany(MarkRuleSet marks, in PacketFields packet)
    {
        var sum = 0u;
        for (var i = 0; i < 10_000; i++)
        {
            sum += marks.Classify(i & 1, packet);
        }
        return sum;
    }
}
