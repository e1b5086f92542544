using Forwarder.Core.Frames;
using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Naming;

namespace Forwarder.Tests.Commands;

/// <summary>Forward lookups from a hosts file and a services file the test controls.</summary>
internal sealed class FileNameLookup(HostNames hosts, ServiceNames services) : INameLookup
{
    public Ipv4Address? Address(string host) => hosts.TryResolve(host, out var address) ? address : null;

    public ushort? Port(string name, IpProtocol protocol) => services.TryGetPort(name, protocol, out var port) ? port : null;
}
