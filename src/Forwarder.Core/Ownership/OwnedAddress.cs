using Forwarder.Core.Frames;

namespace Forwarder.Core.Ownership;

/// <summary>An address the director owns by an explicit take, and the interface it is answered and announced on.</summary>
public readonly record struct OwnedAddress(InetAddress Address, int InterfaceIndex, string InterfaceName);
