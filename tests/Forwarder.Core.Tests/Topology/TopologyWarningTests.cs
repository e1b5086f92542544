using Forwarder.Core.Frames;
using Forwarder.Core.Topology;

namespace Forwarder.Core.Tests.Topology;

/// <summary>Lines that are legal but surely wrong: taken, with a warning naming the line.</summary>
public sealed class TopologyWarningTests
{
    private const string Director = """
        interface eth2 02:00:00:00:01:71 192.168.1.113/24 public
        interface eth1 02:00:00:00:8b:8e 192.168.139.142/24 private
        """;

    private static IReadOnlyList<string> WarningsOf(string text) =>
        TopologyParser.ParseWithWarnings(text).Warnings.Select(w => w.ToString()).ToList();

    [Test]
    public void SeedLikeTopology_HasNoWarnings()
    {
        Assert.That(WarningsOf(Director + "\nneighbor 192.168.139.254 02:00:00:00:8b:fe eth1\nmasquerade 192.168.139.0/24\n"), Is.Empty);
    }

    [Test]
    public void MasqueradeEverything_IsWarnedAndTaken()
    {
        var parsed = TopologyParser.ParseWithWarnings(Director + "\nmasquerade 0.0.0.0/0\n");

        Assert.Multiple(() =>
        {
            Assert.That(parsed.Warnings.Select(w => w.ToString()), Is.EqualTo(new[] { "line 3: masquerade 0.0.0.0/0 takes every source address, the clients' too" }));
            Assert.That(parsed.Topology.MasqueradedNetworks, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void TwoInterfacesWithOneMac_IsWarnedAtTheSecond()
    {
        var text = "interface eth2 02:00:00:00:01:71 192.168.1.113/24 public\n\ninterface eth1 02:00:00:00:01:71 192.168.139.142/24 private\n";

        Assert.That(WarningsOf(text), Is.EqualTo(new[] { "line 3: interface eth1 has the MAC 02:00:00:00:01:71 of eth2 (line 1)" }));
    }

    [Test]
    public void NeighborWithAMulticastMac_IsWarnedAndTaken()
    {
        var parsed = TopologyParser.ParseWithWarnings(Director + "\nneighbor 192.168.139.20 03:bf:c0:a8:8b:14 eth1\n");

        Assert.Multiple(() =>
        {
            Assert.That(parsed.Warnings.Select(w => w.ToString()),
                Is.EqualTo(new[] { "line 3: neighbor 192.168.139.20's MAC 03:bf:c0:a8:8b:14 is a multicast address: every frame to it goes to a group" }));
            Assert.That(parsed.Topology.TryGetNeighbor(Ipv4Address.Parse("192.168.139.20").Value, out _), Is.True);
        });
    }

    [Test]
    public void Warnings_ComeInLineOrder()
    {
        var text = Director + "\nmasquerade 0.0.0.0/0\nneighbor 192.168.139.20 01:00:5e:00:00:14 eth1\nmasquerade 10.0.0.0/0\n";

        Assert.That(TopologyParser.ParseWithWarnings(text).Warnings.Select(w => w.LineNumber), Is.EqualTo(new[] { 3, 4, 5 }));
    }
}
