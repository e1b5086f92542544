using Forwarder.Core.Connections;
using Forwarder.Ipvsadm.Listing;

namespace Forwarder.Ipvsadm.Tests.Listing;

public sealed class TimeoutListingTests
{
    [Test]
    public void Defaults_AreTheKernels()
    {
        Assert.That(TimeoutListing.List(new ConnectionTimeouts()), Is.EqualTo("Timeout (tcp tcpfin udp): 900 120 300\n"));
    }

    [Test]
    public void AfterSet_ShowsTheNewValues()
    {
        var timeouts = new ConnectionTimeouts();
        timeouts.Set(3600, 0, 60);

        Assert.That(TimeoutListing.List(timeouts), Is.EqualTo("Timeout (tcp tcpfin udp): 3600 120 60\n"));
    }
}
