package dev.pagelab.commands.report;

/** What a command returns. The console renders it (text, colour or JSON); commands never print. */
public sealed interface Report
        permits StepReport,
                PagemapReport,
                MapsReport,
                ListReport,
                CacheReport,
                EvictReport,
                TextReport,
                ManualReport,
                ClearRefsReport,
                ResidencyReport,
                BenchReport,
                SweepReport,
                KernelReport {}
