using Forwarder.Core.Services;
using Forwarder.Ipvsadm.Grammar;

namespace Forwarder.Ipvsadm.Execution;

/// <summary>
/// One step of committing a <see cref="RestorePlan"/>: take in the service the trial built for an -A
/// (<paramref name="Adopt"/>), or, when that is null, apply <paramref name="Command"/> to the live table again.
/// </summary>
internal readonly record struct RestoreStep(IpvsadmCommand Command, VirtualService? Adopt);
