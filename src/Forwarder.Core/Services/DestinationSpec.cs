using Forwarder.Core.Frames;

namespace Forwarder.Core.Services;

/// <summary>
/// The settings of an ipvsadm -a/-e: which real server and how it is used. The tunnel fields matter only for
/// <see cref="ForwardingMethod.Tunnel"/>; the kernel stores them whatever the method, and so do we.
/// </summary>
public sealed record DestinationSpec(
    InetAddress Address,
    ushort Port,
    ForwardingMethod Method = ForwardingMethod.DirectRoute,
    int Weight = 1,
    int UpperThreshold = 0,
    int LowerThreshold = 0,
    TunnelType TunnelType = TunnelType.Ipip,
    ushort TunnelPort = 0,
    TunnelChecksum TunnelChecksum = TunnelChecksum.None);
