using System.Net;

namespace Forwarder.Tests.Monitoring;

public sealed class MetricsAddressTests
{
    [TestCase("127.0.0.1:9100", "127.0.0.1", 9100)]
    [TestCase("0.0.0.0:9100", "0.0.0.0", 9100)]
    [TestCase("[::1]:9200", "::1", 9200)]
    public void AnAddressAndPort_AreTakenAsWritten(string text, string address, int port)
    {
        var parsed = MetricsAddress.Parse(text);

        Assert.That(parsed.Address, Is.EqualTo(IPAddress.Parse(address)));
        Assert.That(parsed.Port, Is.EqualTo(port));
    }

    [TestCase("127.0.0.1", "no port")]
    [TestCase(":9100", "no port")]
    [TestCase("localhost:9100", "'localhost' is not an IP address")]
    [TestCase("10.1:9100", "'10.1' is not an IP address")]
    [TestCase("::1:9100", "an IPv6 address goes in brackets")]
    [TestCase("127.0.0.1:0", "'0' is not a port (1-65535)")]
    [TestCase("127.0.0.1:65536", "'65536' is not a port (1-65535)")]
    [TestCase("127.0.0.1:+80", "'+80' is not a port (1-65535)")]
    public void AnythingElse_IsRefusedSayingWhat(string text, string why)
    {
        var refused = Assert.Throws<ArgumentException>(() => MetricsAddress.Parse(text));

        Assert.That(refused!.Message, Is.EqualTo($"--metrics {text}: {why}; expected ADDRESS:PORT, as 127.0.0.1:9100 or [::1]:9100"));
    }
}
