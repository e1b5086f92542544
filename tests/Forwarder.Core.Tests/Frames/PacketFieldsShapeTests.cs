using Forwarder.Core.Frames;
using Forwarder.Core.Tests.Support;

namespace Forwarder.Core.Tests.Frames;

/// <summary>Both parsers fill the one <see cref="PacketFields"/> shape the engine reads family-blind.</summary>
public sealed class PacketFieldsShapeTests
{
    [Test]
    public void Ipv4Parser_FillsTheFamilyBlindAddressesBesideTheIpv4Values()
    {
        var frame = Frame.Tcp(Frame.Mac("02:00:00:00:00:01"), Frame.Mac("02:00:00:00:00:02"), "192.168.1.50", 40000, "192.168.1.199", 80, syn: true);

        Assert.Multiple(() =>
        {
            Assert.That(Ipv4Parser.Parse(frame, out var fields), Is.Null);
            Assert.That(fields.Family, Is.EqualTo(IpFamily.Ipv4));
            Assert.That(fields.IsIpv6, Is.False);
            Assert.That(fields.SourceAddress, Is.EqualTo(InetAddress.Parse("192.168.1.50")));
            Assert.That(fields.DestinationAddress, Is.EqualTo(InetAddress.FromIpv4(fields.Destination)));
            Assert.That(fields.TransportOffset - fields.IpHeaderLength, Is.EqualTo(14));
        });
    }

    [Test]
    public void Ipv6Parser_CountsExtensionHeadersIntoTheIpHeaderLength()
    {
        byte[] options = [FrameLayout.ProtocolTcp, 0, 1, 4, 0, 0, 0, 0];
        var frame = Ipv6Frame.Tcp(Frame.Mac("02:00:00:00:00:01"), Frame.Mac("02:00:00:00:00:02"), "2001:db8::50", 40000, "2001:db8::113", 80,
            FrameLayout.TcpSyn, hopLimit: 9, extensions: options, firstExtension: Ipv6Layout.DestinationOptions);

        Assert.Multiple(() =>
        {
            Assert.That(Ipv6Parser.Parse(frame, out var fields), Is.Null);
            Assert.That((fields.Family, fields.IsIpv6), Is.EqualTo((IpFamily.Ipv6, true)));
            Assert.That((fields.Source, fields.Destination), Is.EqualTo((0u, 0u)), "the IPv4 values stay empty");
            Assert.That((fields.IpHeaderLength, fields.TransportOffset, fields.TotalLength), Is.EqualTo((48, 62, 68)));
            Assert.That((fields.Ttl, fields.HopLimit, fields.ExtensionHeaders), Is.EqualTo(((byte)9, (byte)9, 1)));
            Assert.That(fields.TotalLength - fields.IpHeaderLength, Is.EqualTo(20), "the transport's length, as for IPv4");
        });
    }
}
