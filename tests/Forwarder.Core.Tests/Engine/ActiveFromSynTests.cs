using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Core.Tests.Support;
using static Forwarder.Core.Tests.Engine.EngineRig;

namespace Forwarder.Core.Tests.Engine;

/// <summary>
/// Linux 6.1 counts a TCP connection as active from its SYN (tcp_state_active_table, since 4.8), so the
/// connection-counting schedulers see half-open flows; UDP connections stay inactive.
/// </summary>
public sealed class ActiveFromSynTests
{
    private static readonly ServiceKey SedKey = new(IpProtocol.Tcp, Ipv4Address.Parse(Vip).Value, 8080);

    [Test]
    public void Sed_SixteenSynOnlyFlows_SplitOneToThreeAsTheKernelDoes()
    {
        // Taken from Linux 6.1: sed over .10 (w1, added first) and .11 (w3), 16 SYN-only flows chose
        // .11 .11 .11 .10 four times over, and -Ln listed ActiveConn 4 and 12 (InActConn 0). Here .130 and .131 stand in.
        var rig = new EngineRig();
        rig.Services.AddService(new ServiceSpec(SedKey, "sed"));
        var light = rig.Services.AddDestination(SedKey, new DestinationSpec(Ipv4Address.Parse("192.168.139.130"), 80, ForwardingMethod.Masquerade, 1));
        var heavy = rig.Services.AddDestination(SedKey, new DestinationSpec(Ipv4Address.Parse("192.168.139.131"), 80, ForwardingMethod.Masquerade, 3));

        var choices = new List<string>();
        for (ushort port = 1001; port <= 1016; port++)
        {
            rig.Feed(Frame.Tcp(ClientMac, PublicMac, Client, port, Vip, 8080, syn: true), Public);
            var slot = rig.Connections.FindByClient(6, Frame.Ip(Client), port, Frame.Ip(Vip), 8080, rig.Now);
            choices.Add(rig.Connections[slot].DestinationAddress.AsIpv4().ToString());
        }

        var expected = Enumerable.Repeat(new[] { "192.168.139.131", "192.168.139.131", "192.168.139.131", "192.168.139.130" }, 4).SelectMany(c => c);
        Assert.Multiple(() =>
        {
            Assert.That(choices, Is.EqualTo(expected));
            Assert.That((light.ActiveConnections, light.InactiveConnections), Is.EqualTo((4, 0)));
            Assert.That((heavy.ActiveConnections, heavy.InactiveConnections), Is.EqualTo((12, 0)));
        });
    }

    [Test]
    public void UdpFlows_StayInactive()
    {
        var rig = new EngineRig();

        for (ushort port = 2000; port < 2006; port++)
        {
            rig.Feed(Frame.Udp(ClientMac, PublicMac, Client, port, Vip, 53, [1, 2, 3]), Public);
        }

        var servers = new[] { 129, 130, 131 }
            .Select(octet => rig.Services.Services.Single(s => s.Key == UdpKey).FindDestination(Ipv4Address.Parse($"192.168.139.{octet}"), 53)!)
            .ToList();
        Assert.Multiple(() =>
        {
            Assert.That(servers.Sum(s => s.ActiveConnections), Is.Zero);
            Assert.That(servers.Sum(s => s.InactiveConnections), Is.EqualTo(6));
        });
    }
}
