# Runs Study A's own R scripts 01-03 (github.com/francescochecchi/gaza_food_availability) from a
# prepared run folder, then writes their results, and the daily per-run series that script 03
# computes but keeps only in memory, as CSV files under <run folder>/out/.
#
# Called by scripts/studya_r.py, which prepares the folder (code/ = the authors' scripts, with only
# the run count injected; in/ = the inputs under the names the code expects). This file takes the
# place of their 00_master_script.R, which needs RStudio (rstudioapi) and Windows fonts; it loads
# the packages scripts 01-03 use, sets the same seed, and sources the scripts unchanged.
#
# Usage: Rscript scripts/studya_r_driver.R RUN_FOLDER [SEED]   (SEED: default 123, the master script's)

args <- commandArgs(trailingOnly = TRUE)
if (!length(args) %in% 1:2) stop("usage: Rscript studya_r_driver.R RUN_FOLDER [SEED]")
dir_path <- paste0(normalizePath(args[1]), "/")
seed <- if (length(args) == 2) as.integer(args[2]) else 123L

# The master script's package list, minus the plotting-only packages scripts 01-03 never call
# (ggpubr, ggrepel, pammtools); the tidyverse's pieces that 02 uses are attached one by one.
suppressPackageStartupMessages({
  library(ggplot2)
  library(gtools)
  library(lubridate)
  library(readxl)
  library(scales)
  library(dplyr)
  library(tidyr)
  library(stringr)
  library(purrr)
  library(tibble)
  library(viridis)
  library(zoo)
})

suppressWarnings(dir.create(paste0(dir_path, "out")))
set.seed(seed)                    # 00_master_script.R: set.seed(123)
palette_gen <- viridis(16)        # as 00_master_script.R (02's histogram uses it)

timing <- data.frame()
for (script in c("01_read_prepare_inputs.R", "02_clean_trucking_data.R",
                 "03_estimate_kcal_capita.R")) {
  t0 <- proc.time()[["elapsed"]]
  source(paste0(dir_path, "code/", script))
  timing <- rbind(timing, data.frame(script = script,
    wall_s = proc.time()[["elapsed"]] - t0))
}

o <- paste0(dir_path, "out/")
write.csv(kcal_wk, paste0(o, "03_kcal_capita_by_area.csv"), row.names = FALSE)
write.csv(kcal_wk_all, paste0(o, "03_kcal_capita_all_gaza.csv"), row.names = FALSE)
# Daily, per run: every inflow, balance and consumption column of 03's `out`.
write.csv(out[order(out$run, out$date), ], paste0(o, "03_daily_runs.csv"), row.names = FALSE)
# Daily, per run and area: per-capita consumption and its 7-day rolling mean, as 03 computes them.
write.csv(kcal_capita, paste0(o, "03_kcal_capita_runs.csv"), row.names = FALSE)
write.csv(data.frame(n_runs = n_runs, seed = seed), paste0(o, "runs.csv"), row.names = FALSE)
write.csv(timing, paste0(o, "timing_by_script.csv"), row.names = FALSE)
