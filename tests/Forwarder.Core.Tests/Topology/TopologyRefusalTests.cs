using Forwarder.Core.Topology;

namespace Forwarder.Core.Tests.Topology;

/// <summary>
/// Lines no Linux director could be configured with, or that could only misdirect frames: each refused with its
/// line and what is wrong, where the parser once took them silently.
/// </summary>
public sealed class TopologyRefusalTests
{
    private const string Director = """
        interface eth2 02:00:00:00:01:71 192.168.1.113/24 public
        interface eth1 02:00:00:00:8b:8e 192.168.139.142/24 private
        """;

    private static void AssertRefused(string lines, int line, string reason)
    {
        var refusal = Assert.Throws<LineFormatException>(() => TopologyParser.Parse(Director + "\n" + lines + "\n"))!;
        Assert.That(refusal.Message, Is.EqualTo($"line {line}: {reason}"));
    }

    [Test]
    public void NeighborDefinedTwice_IsRefusedAtTheSecond()
    {
        AssertRefused("neighbor 192.168.139.20 02:00:00:00:00:01 eth1\n# same host again\nneighbor 192.168.139.20 02:00:00:00:00:02 eth1",
            5, "neighbor 192.168.139.20 is defined twice (first on line 3)");
    }

    [TestCase("neighbor 192.168.1.113 02:00:00:00:00:01 eth2", "neighbor 192.168.1.113 is the director's own address (on eth2)")]
    [TestCase("neighbor 192.168.139.142 02:00:00:00:00:01 eth1", "neighbor 192.168.139.142 is the director's own address (on eth1)")]
    public void NeighborAtTheDirectorsOwnAddress_IsRefused(string line, string reason)
    {
        AssertRefused(line, 3, reason);
    }

    [TestCase("neighbor 192.168.1.255 02:00:00:00:00:01 eth2", "neighbor 192.168.1.255 is the broadcast address of eth2's subnet 192.168.1.113/24")]
    [TestCase("neighbor 255.255.255.255 02:00:00:00:00:01 eth2", "neighbor 255.255.255.255 is not a host address")]
    [TestCase("neighbor 224.0.0.1 02:00:00:00:00:01 eth2", "neighbor 224.0.0.1 is not a host address")]
    [TestCase("neighbor 0.0.0.0 02:00:00:00:00:01 eth2", "neighbor 0.0.0.0 is not a host address")]
    public void NeighborAtABroadcastMulticastOrZeroAddress_IsRefused(string line, string reason)
    {
        AssertRefused(line, 3, reason);
    }

    [TestCase("ff:ff:ff:ff:ff:ff", "the broadcast address")]
    [TestCase("00:00:00:00:00:00", "zero")]
    public void NeighborWithABroadcastOrZeroMac_IsRefused(string mac, string what)
    {
        AssertRefused($"neighbor 192.168.1.20 {mac} eth2", 3, $"neighbor 192.168.1.20's MAC {mac} is {what}, no host's");
    }

    [TestCase("ff:ff:ff:ff:ff:ff", "the broadcast address")]
    [TestCase("01:00:5e:00:00:01", "a multicast address")]
    [TestCase("03:00:00:00:00:01", "a multicast address")]
    [TestCase("00:00:00:00:00:00", "zero")]
    public void InterfaceWithANonUnicastMac_IsRefused(string mac, string what)
    {
        AssertRefused($"interface eth3 {mac} 10.0.0.1/24 private", 3, $"interface eth3's MAC {mac} is {what}; an interface's MAC is unicast");
    }

    [TestCase("0.0.0.0/0", "interface eth3's address 0.0.0.0 is not a host address")]
    [TestCase("0.0.0.0/24", "interface eth3's address 0.0.0.0 is not a host address")]
    [TestCase("10.0.0.1/0", "interface eth3's /0 puts every address on its link, so no route is ever used")]
    [TestCase("224.0.0.5/24", "interface eth3's address 224.0.0.5 is not a host address")]
    [TestCase("255.255.255.255/32", "interface eth3's address 255.255.255.255 is not a host address")]
    [TestCase("10.0.0.255/24", "interface eth3's address 10.0.0.255 is the broadcast address of its subnet /24")]
    public void InterfaceAtANonHostAddressOrASlashZero_IsRefused(string address, string reason)
    {
        var refusal = Assert.Throws<LineFormatException>(() => TopologyParser.Parse($"# only\ninterface eth3 02:00:00:00:00:03 {address} public\n"))!;

        Assert.That(refusal.Message, Is.EqualTo($"line 2: {reason}"));
    }

    [TestCase("10.0.0.1/31")]
    [TestCase("10.0.0.1/32")]
    [TestCase("10.0.0.255/23")]
    public void InterfaceOnAPointToPointLinkOrAtAnAllOnesOctet_IsTaken(string address)
    {
        Assert.That(TopologyParser.ParseWithWarnings($"interface eth3 02:00:00:00:00:03 {address} public\n").Warnings, Is.Empty);
    }

    [Test]
    public void GatewayAtTheDirectorsOwnAddress_IsRefused()
    {
        AssertRefused("route default via 192.168.1.113", 3, "default gateway 192.168.1.113 is the director's own address (on eth2)");
    }

    [Test]
    public void GatewayAtTheSubnetBroadcast_IsRefused()
    {
        AssertRefused("route default via 192.168.1.255", 3, "default gateway 192.168.1.255 is the broadcast address of eth2's subnet 192.168.1.113/24");
    }

    [Test]
    public void InterfaceNameOfAHundredThousandCharacters_IsRefusedCut()
    {
        var name = new string('e', 100_000);

        AssertRefused($"interface {name} 02:00:00:00:00:03 10.0.0.1/24 private", 3,
            $"interface name '{new string('e', 256)}...' is 100000 bytes long; Linux allows at most 15");
    }

    [Test]
    public void InterfaceNameOfSixteenBytes_IsRefused_AndFifteenIsTaken()
    {
        Assert.Multiple(() =>
        {
            AssertRefused("interface abcdefghijklmnop 02:00:00:00:00:03 10.0.0.1/24 private", 3,
                "interface name 'abcdefghijklmnop' is 16 bytes long; Linux allows at most 15");
            Assert.That(TopologyParser.Parse(Director.Replace("eth1", "abcdefghijklmno", StringComparison.Ordinal)).Private.Name, Is.EqualTo("abcdefghijklmno"));
        });
    }

    [Test]
    public void InterfaceNameCountsBytes_AsLinuxDoes()
    {
        // Eight two-byte characters: 16 bytes.
        AssertRefused("interface éééééééé 02:00:00:00:00:03 10.0.0.1/24 private", 3,
            "interface name 'éééééééé' is 16 bytes long; Linux allows at most 15");
    }

    [TestCase("eth/3")]
    [TestCase("eth:3")]
    [TestCase(".")]
    [TestCase("..")]
    [TestCase("eth\u001b3")]
    public void InterfaceNameLinuxRefuses_IsRefused(string name)
    {
        var refusal = Assert.Throws<LineFormatException>(() => TopologyParser.Parse(Director + $"\ninterface {name} 02:00:00:00:00:03 10.0.0.1/24 private\n"))!;

        Assert.That(refusal.Message, Does.StartWith("line 3: interface name '").And.EndWith("' is not one Linux allows (not . or .., no '/', ':', white space or control characters)"));
    }

    [TestCase("eth0.100")]
    [TestCase("br-lan")]
    [TestCase("wg_0@x")]
    public void InterfaceNameLinuxAllows_IsTaken(string name)
    {
        Assert.That(TopologyParser.Parse($"interface {name} 02:00:00:00:00:03 10.0.0.1/24 public\n").Public.Name, Is.EqualTo(name));
    }
}
