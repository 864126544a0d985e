// Kernel tests share global state (loaded programs, tracefs) and check that nothing of ours
// stays loaded: they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
[assembly: AssemblyFixture(typeof(Gadget.IntegrationTests.Infrastructure.StaleTestObjects))]
